package io.rawloop.http.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The decoder fed every split of its input: whole, in two pieces at every offset, and a byte at
 * a time. Each must report the same messages, and a broken rule the same close code.
 */
class MessageDecoderTest {

    private static final FrameWriter CLIENT = new FrameWriter(new Random(42));
    private static final FrameWriter SERVER = new FrameWriter(null);

    /** What the decoder reported, as words, ending with "fail CODE" when it failed. */
    static List<String> decode(boolean masked, long maxMessage, byte[] input, int... splits) {
        List<String> events = new ArrayList<>();
        MessageDecoder decoder = new MessageDecoder(masked, maxMessage, maxMessage, new MessageDecoder.Listener() {
            @Override
            public void onText(String text) {
                events.add("text " + text);
            }

            @Override
            public void onBinary(byte[] data) {
                events.add("binary " + HexFormat.of().formatHex(data));
            }

            @Override
            public void onPing(byte[] payload) {
                events.add("ping " + new String(payload, StandardCharsets.UTF_8));
            }

            @Override
            public void onPong(byte[] payload) {
                events.add("pong " + new String(payload, StandardCharsets.UTF_8));
            }

            @Override
            public void onClose(int code, String reason) {
                events.add("close " + code + " " + reason);
            }
        });
        byte[] copy = input.clone();   // the decoder unmasks in place
        int from = 0;
        try {
            for (int i = 0; i <= splits.length; i++) {
                int to = i < splits.length ? splits[i] : copy.length;
                decoder.feed(ByteBuffer.wrap(copy, from, to - from));
                from = to;
            }
        } catch (WebSocketException e) {
            events.add("fail " + e.closeCode());
        }
        return events;
    }

    /** The events of {@code input}, checked to be the same at every split and byte by byte. */
    static List<String> everySplit(boolean masked, long maxMessage, byte[] input) {
        List<String> whole = decode(masked, maxMessage, input);
        for (int i = 0; i <= input.length; i++) {
            assertEquals(whole, decode(masked, maxMessage, input, i), "split at " + i);
        }
        int[] bytes = new int[input.length];
        for (int i = 0; i < input.length; i++) {
            bytes[i] = i;
        }
        assertEquals(whole, decode(masked, maxMessage, input, bytes), "a byte at a time");
        return whole;
    }

    private static byte[] concat(ByteBuffer... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer frame : frames) {
            byte[] b = new byte[frame.remaining()];
            frame.get(b);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void fragmentedTextWithAPingBetweenItsFragmentsAtEverySplit() {
        byte[] hello = utf8("héllo, wörld €𝄞");
        byte[] input = concat(
                CLIENT.frame(Opcode.TEXT, false, hello, 0, 3),   // cuts é in two
                CLIENT.frame(Opcode.PING, utf8("p")),
                CLIENT.frame(Opcode.CONTINUATION, false, hello, 3, 0),
                CLIENT.frame(Opcode.CONTINUATION, true, hello, 3, hello.length - 3),
                CLIENT.frame(Opcode.BINARY, new byte[] {1, 2, 3}),
                CLIENT.frame(Opcode.PONG, new byte[0]),
                CLIENT.frame(Opcode.CLOSE, FrameWriter.closePayload(1000, "bye")));
        assertEquals(List.of("ping p", "text héllo, wörld €𝄞", "binary 010203", "pong ", "close 1000 bye"),
                everySplit(true, 1 << 20, input));
    }

    @Test
    void unmasksEightOctetsAtATimeFromAnyOffsetOfTheKey() {
        byte[] data = new byte[45];   // five longs and a tail, so every split starts at another key octet
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 37 + 11);
        }
        String binary = "binary " + HexFormat.of().formatHex(data);
        byte[] input = concat(CLIENT.frame(Opcode.BINARY, data), CLIENT.frame(Opcode.BINARY, data));
        assertEquals(List.of(binary, binary), everySplit(true, 1 << 20, input));
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            ByteBuffer direct = ByteBuffer.allocateDirect(input.length + 3).order(order);
            direct.position(3);
            direct.put(input).position(3);   // the frames start at an odd index of a direct buffer
            List<byte[]> got = new ArrayList<>();
            MessageDecoder decoder = new MessageDecoder(true, 1 << 20, 1 << 20, new MessageDecoder.Listener() {
                @Override
                public void onText(String text) {
                }

                @Override
                public void onBinary(byte[] d) {
                    got.add(d);
                }

                @Override
                public void onPing(byte[] payload) {
                }

                @Override
                public void onPong(byte[] payload) {
                }

                @Override
                public void onClose(int code, String reason) {
                }
            });
            assertDoesNotThrow(() -> decoder.feed(direct));
            assertEquals(2, got.size(), order.toString());
            assertArrayEquals(data, got.get(0), order.toString());
            assertArrayEquals(data, got.get(1), order.toString());
        }
    }

    @Test
    void framesPutInABufferOfAnyOrderReadAsTheirOwn() {
        byte[] data = new byte[300];   // a 16-bit length
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        ByteBuffer little = ByteBuffer.allocate(CLIENT.size(data.length)).order(ByteOrder.LITTLE_ENDIAN);
        new FrameWriter(new Random(42)).put(little, Opcode.BINARY, true, data, 0, data.length);
        assertEquals(2 + 2 + 4 + data.length, little.position());
        assertEquals(List.of("binary " + HexFormat.of().formatHex(data)),
                decode(true, 1 << 20, concat(little.flip())));
    }

    @Test
    void lengthsOf125_126_65535And65536TakeEachEncoding() {
        for (int n : new int[] {0, 125, 126, 65535, 65536}) {
            byte[] data = new byte[n];
            List<String> events = decode(true, 1 << 20, concat(CLIENT.frame(Opcode.BINARY, data)));
            assertEquals(List.of("binary " + "00".repeat(n)), events, n + " bytes");
        }
    }

    @Test
    void aClientReadsUnmaskedFramesAndRefusesMaskedOnes() {
        assertEquals(List.of("text hi"), everySplit(false, 100, concat(SERVER.frame(Opcode.TEXT, utf8("hi")))));
        assertEquals(List.of("fail 1002"), everySplit(false, 100, concat(CLIENT.frame(Opcode.TEXT, utf8("hi")))));
    }

    @Test
    void hostileFramesFailWithTheirCloseCode() {
        assertEquals(List.of("fail 1002"), everySplit(true, 100, concat(SERVER.frame(Opcode.TEXT, utf8("hi")))),
                "unmasked client frame");
        assertEquals(List.of("fail 1002"), everySplit(true, 100, HexFormat.of().parseHex("c180")), "RSV1");
        assertEquals(List.of("fail 1002"), everySplit(true, 100, HexFormat.of().parseHex("b180")), "RSV3");
        assertEquals(List.of("fail 1002"), everySplit(true, 100, HexFormat.of().parseHex("8380")), "opcode 3");
        assertEquals(List.of("fail 1002"), everySplit(true, 100, HexFormat.of().parseHex("8f80")), "opcode 15");
        assertEquals(List.of("fail 1002"), everySplit(true, 100, HexFormat.of().parseHex("0980")), "fragmented ping");
        assertEquals(List.of("fail 1002"), everySplit(true, 1000,
                concat(CLIENT.frame(Opcode.PING, new byte[126]))), "ping of 126 bytes");
        assertEquals(List.of("fail 1002"), everySplit(true, 1000,
                concat(CLIENT.frame(Opcode.CONTINUATION, utf8("x")))), "continuation without a message");
        assertEquals(List.of("fail 1002"), everySplit(true, 1000, concat(CLIENT.frame(Opcode.TEXT, false,
                utf8("a"), 0, 1), CLIENT.frame(Opcode.TEXT, utf8("b")))), "a new message inside a message");
        assertEquals(List.of("fail 1002"), everySplit(true, Long.MAX_VALUE,
                HexFormat.of().parseHex("82ff8000000000000000")), "a length of 2^63");
        assertEquals(List.of("fail 1009"), everySplit(true, 100,
                HexFormat.of().parseHex("82ff7fffffffffffffff")), "a length of 2^63-1 over the limit");
    }

    @Test
    void closePayloadsAreChecked() {
        for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
            assertEquals(List.of("close " + code + " "), decode(true, 100,
                    concat(CLIENT.frame(Opcode.CLOSE, FrameWriter.closePayload(code, "")))), "code " + code);
        }
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
            assertEquals(List.of("fail 1002"), decode(true, 100,
                    concat(CLIENT.frame(Opcode.CLOSE, FrameWriter.closePayload(code, "")))), "code " + code);
        }
        assertEquals(List.of("close 1005 "), everySplit(true, 100, concat(CLIENT.frame(Opcode.CLOSE, new byte[0]))));
        assertEquals(List.of("fail 1002"), everySplit(true, 100, concat(CLIENT.frame(Opcode.CLOSE, new byte[] {3}))));
        byte[] badReason = {0x03, (byte) 0xE8, (byte) 0xCE, (byte) 0xBA, (byte) 0xE1};
        assertEquals(List.of("fail 1007"), everySplit(true, 100, concat(CLIENT.frame(Opcode.CLOSE, badReason))));
    }

    @Test
    void invalidUtf8FailsAtItsFirstBadByteBeforeTheMessageEnds() {
        // 0xED 0xA0 is the start of a surrogate: the frame is not final, yet the decoder fails.
        byte[] bad = {'o', 'k', (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        assertEquals(List.of("fail 1007"), everySplit(true, 100, concat(CLIENT.frame(Opcode.TEXT, false, bad, 0,
                bad.length))));
        byte[] truncated = {'o', (byte) 0xE2, (byte) 0x82};
        assertEquals(List.of("fail 1007"), everySplit(true, 100, concat(CLIENT.frame(Opcode.TEXT, truncated))),
                "a message that ends in the middle of a character");
        for (String hex : new String[] {"c0af", "e080af", "f08080af", "f4908080", "f5", "ff", "80", "eda080"}) {
            assertEquals(List.of("fail 1007"), decode(true, 100, concat(CLIENT.frame(Opcode.TEXT,
                    HexFormat.of().parseHex(hex)))), hex);
        }
        assertEquals(List.of("text \uD7FF\uE000\uDBFF\uDFFF"), decode(true, 100, concat(CLIENT.frame(Opcode.TEXT,
                HexFormat.of().parseHex("ed9fbfee8080f48fbfbf")))), "the edges of the valid ranges");
    }

    @Test
    void aMessageThatGrowsPastTheLimitAByteAtATimeFailsWith1009() {
        List<ByteBuffer> frames = new ArrayList<>();
        frames.add(CLIENT.frame(Opcode.BINARY, false, new byte[1], 0, 1));
        for (int i = 1; i < 20; i++) {
            frames.add(CLIENT.frame(Opcode.CONTINUATION, false, new byte[1], 0, 1));
        }
        List<String> events = everySplit(true, 10, concat(frames.toArray(ByteBuffer[]::new)));
        assertEquals(List.of("fail 1009"), events);
        assertEquals(List.of("binary " + "00".repeat(10)), decode(true, 10, concat(CLIENT.frame(Opcode.BINARY,
                new byte[10]))), "exactly the limit passes");
    }

    @Test
    void closeReasonsAreCutOnACharacterBoundary() {
        byte[] payload = FrameWriter.closePayload(1000, "€".repeat(60));
        assertTrue(payload.length <= 125);
        assertEquals(List.of("close 1000 " + "€".repeat(41)), decode(true, 200, concat(CLIENT.frame(Opcode.CLOSE,
                payload))));
    }

    @Test
    void handshakeAcceptIsRfc6455sExample() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.accept("dGhlIHNhbXBsZSBub25jZQ=="));   // §1.3
        assertTrue(Handshake.isValidKey("dGhlIHNhbXBsZSBub25jZQ=="));
        assertTrue(!Handshake.isValidKey("c2hvcnQ=") && !Handshake.isValidKey("not base64!") && !Handshake.isValidKey(null));
        assertTrue(Handshake.isValidKey(Handshake.newKey(new Random(1))));
    }
}
