package io.rawloop.loop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The blocks of a PEM file (RFC 7468): DER bytes in base64 between
 * {@code -----BEGIN LABEL-----} and {@code -----END LABEL-----} lines. Text around the blocks is
 * allowed and skipped (RFC 7468 §2), as in the output of {@code openssl x509 -text}. Inside a
 * block, RFC 1421 headers ({@code Proc-Type: 4,ENCRYPTED}) mark a traditional OpenSSL key
 * encrypted with a password.
 *
 * <p>SIMPLIFICATION: JDK 25 has a {@code java.security.PEMDecoder}, but as a preview API (JEP
 * 470); this small reader needs no {@code --enable-preview}.
 */
final class Pem {

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    /** One block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}, ...) and its bytes. */
    record Block(String label, byte[] der, boolean encrypted) {
    }

    private Pem() {
    }

    /** Every block of {@code file}, in order. */
    static List<Block> read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + IoErrors.reason(e), e);
        }
        List<Block> blocks = new ArrayList<>();
        String label = null;
        StringBuilder base64 = new StringBuilder();
        boolean encrypted = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (label == null) {
                if (line.startsWith(BEGIN) && line.endsWith(DASHES)) {
                    label = line.substring(BEGIN.length(), line.length() - DASHES.length());
                    base64.setLength(0);
                    encrypted = false;
                }
            } else if (line.startsWith(END)) {
                if (!line.equals(END + label + DASHES)) {
                    throw new IOException(file + ", line " + (i + 1) + ": BEGIN " + label + " ends with " + line);
                }
                blocks.add(new Block(label, decode(file, label, base64), encrypted));
                label = null;
            } else if (line.contains(":")) {
                encrypted |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED");
            } else {
                base64.append(line);
            }
        }
        if (label != null) {
            throw new IOException(file + ": BEGIN " + label + " has no END line");
        }
        return blocks;
    }

    private static byte[] decode(Path file, String label, CharSequence base64) throws IOException {
        try {
            return Base64.getDecoder().decode(base64.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": the " + label + " block is not valid base64: " + e.getMessage(), e);
        }
    }
}
