package io.rawloop.server;

import io.rawloop.loop.IoErrors;
import java.nio.channels.FileChannel;
import java.util.function.Consumer;

/**
 * What follows a response's head: one of three kinds. {@link ResponseFraming#of} decides from the
 * kind (and the request and status) how it is delimited on the wire, in one place for all three.
 */
sealed interface ResponseBody {

    /** Bytes known whole before the head is written: sent with Content-Length. */
    record Bytes(byte[] content) implements ResponseBody {
    }

    /**
     * The first {@code length} bytes of a file, sent zero-copy with {@code transferTo}. The
     * response owns the channel until it hands it to the connection, which then closes it.
     */
    record FileRegion(FileChannel file, long length) implements ResponseBody {
        /** Closes the file of a response that will not send it. */
        void release() {
            IoErrors.closeQuietly(file);
        }
    }

    /** Pieces a producer writes once the head is out, their total unknown in advance. */
    record Stream(Consumer<BodyWriter> producer) implements ResponseBody {
    }
}
