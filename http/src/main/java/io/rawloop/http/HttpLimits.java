package io.rawloop.http;

/**
 * How much a parser accepts before it refuses, and the status each refusal carries.
 *
 * @param maxStartLine   request line or status line, in bytes (414 for a request)
 * @param maxHeaderBytes the whole header section (and the trailer section), in bytes (431)
 * @param maxHeaderCount header fields (and trailer fields) (431)
 * @param maxBody        body bytes, declared or chunked (413)
 */
public record HttpLimits(int maxStartLine, int maxHeaderBytes, int maxHeaderCount, long maxBody) {

    /** 8 KiB request line, 16 KiB and 100 header fields, 10 MiB body. */
    public static final HttpLimits DEFAULT = new HttpLimits(8 * 1024, 16 * 1024, 100, 10L * 1024 * 1024);

    /** Validates. */
    public HttpLimits {
        if (maxStartLine < 16 || maxHeaderBytes < 16 || maxHeaderCount < 1 || maxBody < 0) {
            throw new IllegalArgumentException("limits too small: " + maxStartLine + ", " + maxHeaderBytes + ", "
                    + maxHeaderCount + ", " + maxBody);
        }
    }

    /** The same limits with another body cap. */
    public HttpLimits withMaxBody(long bytes) {
        return new HttpLimits(maxStartLine, maxHeaderBytes, maxHeaderCount, bytes);
    }
}
