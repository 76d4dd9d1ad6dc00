package io.vlstream.cli;

import java.util.ArrayDeque;
import java.util.Optional;

/**
 * The frames of a live source waiting to be sent, at most {@code capacity}: a camera does not wait
 * for Kafka, so while sending is held up (a broker restart) the oldest frames give way to the
 * newest, and are counted. Thread-safe: the reader offers, the sender takes.
 */
final class NewestFrames<T> {

    private final int capacity;
    private final ArrayDeque<T> frames;
    private long dropped;
    private boolean closed;

    NewestFrames(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
        this.frames = new ArrayDeque<>(capacity);
    }

    /** Adds the newest frame, dropping the oldest waiting one when full. */
    synchronized void offer(T frame) {
        if (frames.size() == capacity) {
            frames.pollFirst();
            dropped++;
        }
        frames.addLast(frame);
        notifyAll();
    }

    /** No more frames will be offered: {@link #take} drains what waits, then returns empty. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    /** The oldest waiting frame; waits for one; empty once closed and drained. */
    synchronized Optional<T> take() throws InterruptedException {
        while (frames.isEmpty() && !closed) {
            wait();
        }
        return Optional.ofNullable(frames.pollFirst());
    }

    synchronized long dropped() {
        return dropped;
    }
}
