package io.rawloop.http;

import java.nio.charset.StandardCharsets;

/** Status lines encoded once ("HTTP/1.1 200 OK\r\n"), with the reason phrases of RFC 9110 §15. */
final class StatusLines {

    private static final byte[][] HTTP_11 = new byte[600][];
    private static final byte[][] HTTP_10 = new byte[600][];

    static {
        for (int status = 100; status < 600; status++) {
            String reason = reason(status);
            HTTP_11[status] = ("HTTP/1.1 " + status + " " + reason + "\r\n").getBytes(StandardCharsets.US_ASCII);
            HTTP_10[status] = ("HTTP/1.0 " + status + " " + reason + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private StatusLines() {
    }

    static byte[] of(HttpVersion version, int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be 100-599, not " + status);
        }
        return (version == HttpVersion.HTTP_1_0 ? HTTP_10 : HTTP_11)[status];
    }

    /** The reason phrase of RFC 9110 §15 for {@code status}, or a generic one for its class. */
    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 206 -> "Partial Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 417 -> "Expectation Failed";
            case 426 -> "Upgrade Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> switch (status / 100) {
                case 1 -> "Informational";
                case 2 -> "Success";
                case 3 -> "Redirection";
                case 4 -> "Client Error";
                default -> "Server Error";
            };
        };
    }
}
