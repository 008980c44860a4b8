package io.rawloop.loop;

import java.util.Arrays;

/**
 * The loop's timers: a binary min-heap ordered by (deadline, scheduling order), where every timer
 * knows its own index so that {@link #remove} is O(log n) rather than a scan.
 *
 * <p>The other classic answer is lazy removal (asyncio's: mark cancelled, pop later, rebuild the
 * heap when more than half is dead). An indexed heap is as short to write, keeps the heap exactly
 * as large as the live timers, and makes "100k timers scheduled and cancelled leave nothing
 * behind" true by construction. Typical server timers (timeouts) are cancelled far more often
 * than they fire, so cancel must be cheap.
 *
 * <p>Loop-confined: no locks.
 */
final class TimerQueue {

    private Timer[] heap = new Timer[64];
    private int size;
    /** Scheduling order, handed to each new timer: ties between equal deadlines go first-in, first-out. */
    private long sequence;

    long nextSequence() {
        return sequence++;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The timer that fires next, or null. */
    Timer peek() {
        return size == 0 ? null : heap[0];
    }

    void add(Timer timer) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        timer.heapIndex = size;
        heap[size++] = timer;
        siftUp(timer.heapIndex);
    }

    /** Removes and returns the first timer, or null when empty. */
    Timer poll() {
        if (size == 0) {
            return null;
        }
        Timer first = heap[0];
        removeAt(0);
        return first;
    }

    /** Removes a scheduled timer; a timer that is not in this heap is ignored. */
    void remove(Timer timer) {
        int i = timer.heapIndex;
        if (i >= 0 && i < size && heap[i] == timer) {
            removeAt(i);
        }
    }

    // region removeAt
    private void removeAt(int i) {
        Timer removed = heap[i];
        removed.heapIndex = -1;
        int last = --size;
        if (i != last) {
            Timer moved = heap[last];
            heap[i] = moved;
            moved.heapIndex = i;
            heap[last] = null;
            siftDown(i);
            if (heap[i] == moved) {
                siftUp(i);
            }
        } else {
            heap[last] = null;
        }
        // Shrink after a burst, so that a spike of timers does not pin memory forever.
        if (heap.length > 64 && size < heap.length / 4) {
            heap = Arrays.copyOf(heap, heap.length / 2);
        }
    }
    // endregion removeAt

    private void siftUp(int i) {
        Timer timer = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Timer p = heap[parent];
            if (!timer.firesBefore(p)) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = timer;
        timer.heapIndex = i;
    }

    private void siftDown(int i) {
        Timer timer = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && heap[right].firesBefore(heap[child])) {
                child = right;
            }
            if (!heap[child].firesBefore(timer)) {
                break;
            }
            heap[i] = heap[child];
            heap[i].heapIndex = i;
            i = child;
        }
        heap[i] = timer;
        timer.heapIndex = i;
    }

    /** The array's length, for the test that cancelled timers do not pin memory. */
    int capacity() {
        return heap.length;
    }
}
