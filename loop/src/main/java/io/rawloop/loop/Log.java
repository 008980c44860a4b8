package io.rawloop.loop;

/**
 * The loop's logging, which never throws. A log call can fail: out of file descriptors (EMFILE),
 * the JDK's logging opens the time-zone database to format the first record's time, fails, and
 * throws an Error. Called from the loop's own error handling, such a throw would escape and kill
 * the loop thread, taking every connection with it. So a record that cannot be written is dropped;
 * the figures ({@link LoopStats#callbackErrors()}, {@link TcpListener#acceptFailures()}) still count it.
 *
 * <p>Public for code that runs on a loop elsewhere (the server logs its handlers' failures through it).
 */
public final class Log {

    private static final System.Logger LOGGER = System.getLogger("io.rawloop.loop");

    private Log() {
    }

    /**
     * Loads and initialises this class now. Its first use is often an accept failing with
     * EMFILE; loading a class from a directory (as in {@code mvn test} or an IDE) needs a file
     * descriptor then, and the NoClassDefFoundError escaped the loop's own error handling and
     * killed the loop thread. {@link EventLoop} calls this when it is loaded.
     */
    static void load() {
        // nothing to do: calling it is the point
    }

    /** Logs a warning to {@code io.rawloop.loop}; never throws. */
    public static void warning(String message) {
        log(System.Logger.Level.WARNING, message, null);
    }

    /** Logs an error with its cause to {@code io.rawloop.loop}; never throws. */
    public static void error(String message, Throwable cause) {
        log(System.Logger.Level.ERROR, message, cause);
    }

    /** Logs at {@code level} to {@code io.rawloop.loop}; {@code cause} may be null; never throws. */
    public static void log(System.Logger.Level level, String message, Throwable cause) {
        log(LOGGER, level, message, cause);
    }

    /** Logs at {@code level} to {@code logger}; {@code cause} may be null; never throws. */
    public static void log(System.Logger logger, System.Logger.Level level, String message, Throwable cause) {
        try {
            if (cause == null) {
                logger.log(level, message);
            } else {
                logger.log(level, message, cause);
            }
        } catch (Throwable loggingFailed) {
            // Nothing sensible is left to do with it: see the class comment.
        }
    }
}
