package io.rawloop.loop;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Two chores about I/O errors that every module does the same way, written once: closing what may
 * fail to close when nothing more can be done about it, and the words that say why something
 * failed.
 */
public final class IoErrors {

    private IoErrors() {
    }

    /**
     * Closes {@code resource}, ignoring a failure: for a socket, channel or file we are done with,
     * where a failing close leaves nothing to do and nobody to tell. Null is ignored.
     */
    public static void closeQuietly(Closeable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (IOException ignored) {
            // nothing more can be done about a failing close
        }
    }

    /**
     * Why {@code failure} happened, in its own words: its message, or its class's name if it has
     * none. A missing or forbidden file says so: the message of a {@link NoSuchFileException} is
     * only the file's name, which the caller has already said.
     */
    public static String reason(Throwable failure) {
        if (failure instanceof NoSuchFileException) {
            return "no such file";
        }
        if (failure instanceof AccessDeniedException) {
            return "permission denied";
        }
        return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
    }
}
