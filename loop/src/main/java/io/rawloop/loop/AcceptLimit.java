package io.rawloop.loop;

/**
 * A limit a {@link TcpListener} consults before each accept: a connection cap that may be
 * shared by the listeners of several loops (one server, one port, a loop per core).
 *
 * <p>A place is claimed before {@code accept(2)} is called, never after, so the cap holds however
 * many loops accept at the same moment, and a connection beyond it waits in the kernel's backlog
 * instead of being accepted and dropped. When {@link #tryAcquire} says no, the listener pauses
 * itself; the limit must then {@link TcpListener#resumeAccepting() resume} it, on its own loop,
 * once a place is free.
 */
public interface AcceptLimit {

    /**
     * Claims a place for one more connection for {@code listener}, on its loop; false to pause
     * it, in which case the limit must resume it (on its loop) once a place is free.
     */
    boolean tryAcquire(TcpListener listener);

    /**
     * Gives a place back: by the listener, when the accept that claimed it found no connection
     * or failed; by the owner of the limit, when a connection it counted has closed. Any thread.
     */
    void release();
}
