package io.rawloop.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.function.Consumer;

/**
 * An {@link EventLoop}'s {@link Selector} and the channels registered with it: phase 2 of the
 * loop's iteration (asyncio keeps the same apart, in {@code selector_events.py}).
 *
 * <p>Every registered channel has one attachment type, {@link Selectable}: a selected key becomes
 * a call to its owner, which queues at most one ready callback. The buffers every connection of
 * the loop shares live here too, because only one read or write happens at a time on one thread.
 *
 * <p>Loop-confined, except {@link Inbox}'s wake-up, which any thread may call.
 */
final class LoopSelector {

    /** Shared by every connection of the loop: one read at a time happens on one thread. */
    private static final int READ_BUFFER_SIZE = 64 * 1024;

    private final EventLoop loop;
    private final Selector selector;
    /** Asked, once we are SELECTING, whether a stop() came in meanwhile. */
    private final LoopRunner runner;
    /**
     * On the heap: the JDK reads into a direct buffer of its own and copies the bytes that came,
     * once, and every parser then reads an array. A direct one made the HTTP parser copy a window
     * of the read into an array for each request in it.
     */
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_SIZE);
    /**
     * The array an {@link OutgoingQueue} gathers buffers into for one {@code writev}, shared by the
     * loop's connections (it is empty between calls): per connection it would be 272 bytes held
     * by every idle one.
     */
    final ByteBuffer[] gatherBatch = new ByteBuffer[OutgoingQueue.MAX_GATHER];
    /** See {@link #alreadyDrained()}; made on the loop thread, at its first use. */
    private Promise<Void> alreadyDrained;

    LoopSelector(EventLoop loop, LoopRunner runner) {
        this.loop = loop;
        this.runner = runner;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for event loop " + loop.name(), e);
        }
    }

    /**
     * What {@code drained()} answers when nothing is pending: a settled promise can change no
     * more (completing, failing or cancelling it again does nothing), so one serves every caller
     * of the loop, where a sender that asks after every message made one per message.
     */
    Promise<Void> alreadyDrained() {
        if (alreadyDrained == null) {
            alreadyDrained = Promise.succeeded(loop, null);
        }
        return alreadyDrained;
    }

    /** The selector itself, for the {@link Inbox} that wakes it. */
    Selector selector() {
        return selector;
    }

    // region select
    /**
     * Phase 2: blocks for at most {@code timeoutMillis} (0 polls, {@link EventLoop#BLOCK_UNTIL_WOKEN}
     * waits for a key or a wake-up), and each selected key's owner queues its ready callback
     * ({@link #selected}) as the selector reports it. The inbox's wake state makes
     * {@link EventLoop#execute} wake us only while we may block.
     *
     * @return true if some key was selected
     */
    boolean select(long timeoutMillis, Inbox inbox) {
        loop.figures.selectEntered(loop.nanoTime());   // busy until now, idle from now: LoopStats.utilization
        try {
            return timeoutMillis == 0 ? selector.selectNow(onSelected) > 0 : block(timeoutMillis, inbox);
        } catch (IOException e) {
            // Selector.select fails only when the selector itself is broken; nothing can go on.
            throw new UncheckedIOException("selector of event loop " + loop.name() + " failed", e);
        } finally {
            loop.figures.selectExited(loop.nanoTime());
        }
    }

    private boolean block(long timeoutMillis, Inbox inbox) throws IOException {
        inbox.selecting();
        try {
            // A task, or a stop(), may have come before SELECTING was visible to the other thread,
            // which then did not wake us: look once more before blocking. Each side writes its
            // flag, then reads the other's (all volatile), so at least one of them sees the other.
            if (!inbox.isEmpty() || runner.stopRequested()) {
                return selector.selectNow(onSelected) > 0;
            } else if (timeoutMillis == EventLoop.BLOCK_UNTIL_WOKEN) {
                return selector.select(onSelected) > 0;
            } else {
                return selector.select(onSelected, timeoutMillis) > 0;
            }
        } finally {
            inbox.awake();
        }
    }
    // endregion select

    // region selectedKeys
    /**
     * Each selected key, as {@code select} finds it: its attachment becomes (at most one) ready
     * callback. {@code Selector.select(Consumer)} (JDK 11) hands the keys over one by one instead
     * of adding them to the selected-key set, a HashSet that the loop would then iterate (an
     * iterator per turn) and clear: no set, no iterator, and no reflection into sun.nio.ch, which
     * is how Netty avoids the same set.
     */
    private void selected(SelectionKey key) {
        if (key.isValid()) {   // only the loop cancels keys, but a cancelled key's readyOps would throw
            ((Selectable) key.attachment()).selected(key.readyOps());
        }
    }

    /** {@link #selected} as the selector's action, made once. */
    private final Consumer<SelectionKey> onSelected = this::selected;
    // endregion selectedKeys

    // region register
    /** Registers a channel with the selector; its key's attachment is {@code owner}. Loop thread. */
    SelectionKey register(SelectableChannel channel, int ops, Selectable owner) throws IOException {
        loop.checkInLoop("register");
        channel.configureBlocking(false);
        SelectionKey key = channel.register(selector, ops, owner);
        loop.figures.registeredChannels++;
        return key;
    }
    // endregion register

    /** Called once by a {@link Selectable} whose channel has been closed. */
    void deregistered() {
        loop.figures.registeredChannels--;
    }

    /** Keys the selector holds (cancelled ones go at the next select): for leak checks in tests. */
    int keyCount() {
        loop.checkInLoop("LoopSelector.keyCount");
        return selector.keys().size();
    }

    /** The loop's read buffer, cleared; valid until the callback it is handed to returns. */
    ByteBuffer readBuffer() {
        return readBuffer.clear();
    }

    /** Closing the loop: every registered channel's owner closes it and hears of it. */
    void closeEveryChannel() {
        for (SelectionKey key : List.copyOf(selector.keys())) {
            if (key.attachment() instanceof Selectable owner) {
                owner.closeBecauseLoopCloses();
            }
        }
    }

    /** The last step of closing the loop. */
    void close() {
        try {
            selector.close();
        } catch (IOException e) {
            Log.log(System.Logger.Level.WARNING, "closing the selector of event loop " + loop.name(), e);
        }
    }
}
