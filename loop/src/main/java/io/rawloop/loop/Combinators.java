package io.rawloop.loop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.concurrent.TimeoutException;

/**
 * Promise's combinators: {@link Promise#withTimeout} (asyncio's wait_for), and over many
 * promises {@link Promise#all} (asyncio's gather), {@link Promise#any} and {@link Promise#race}
 * (asyncio's wait with FIRST_COMPLETED). Each result's cancellation cancels what it waits on, and
 * the inputs that lose are cancelled, so work nobody waits for stops.
 */
final class Combinators {

    private Combinators() {
    }

    // region withTimeout
    /** See {@link Promise#withTimeout}. */
    static <T> Promise<T> withTimeout(Promise<T> promise, Duration timeout) {
        Promise<T> result = promise.derived();
        Timer timer = promise.loop().schedule(timeout, () -> {
            TimeoutException expired = new TimeoutException("timed out after " + timeout.toMillis() + " ms");
            promise.cancel(expired);
            result.fail(expired);
        });
        result.onCancel(timer::cancel);
        promise.onComplete((v, f) -> {
            timer.cancel();
            result.settleFrom(v, f);
        });
        return result;
    }
    // endregion withTimeout

    // region all
    /** See {@link Promise#all}. */
    static <T> Promise<List<T>> all(EventLoop loop, List<Promise<T>> promises) {
        Promise<List<T>> result = new Promise<>(loop);
        if (promises.isEmpty()) {
            result.complete(List.of());
            return result;
        }
        Object[] values = new Object[promises.size()];
        int[] remaining = {promises.size()};
        for (int i = 0; i < promises.size(); i++) {
            int index = i;
            Promise<T> p = promises.get(i);
            result.onCancel(p::cancel);
            p.onComplete((v, f) -> {
                if (f != null) {
                    result.fail(f);
                } else {
                    values[index] = v;
                    if (--remaining[0] == 0) {
                        @SuppressWarnings("unchecked") // each slot was filled with a T above
                        List<T> list = (List<T>) Collections.unmodifiableList(Arrays.asList(values));
                        result.complete(list);
                    }
                }
            });
        }
        return result;
    }
    // endregion all

    /** See {@link Promise#any}. */
    static <T> Promise<T> any(EventLoop loop, List<Promise<T>> promises) {
        if (promises.isEmpty()) {
            throw new IllegalArgumentException("any() of no promises would never settle");
        }
        Promise<T> result = new Promise<>(loop);
        List<Throwable> failures = new ArrayList<>();
        for (Promise<T> p : promises) {
            result.onCancel(p::cancel);
            p.onComplete((v, f) -> {
                if (f == null) {
                    if (result.complete(v)) {
                        promises.forEach(Promise::cancel);
                    }
                } else {
                    failures.add(f);
                    if (failures.size() == promises.size()) {
                        Throwable last = failures.getLast();
                        failures.subList(0, failures.size() - 1).forEach(last::addSuppressed);
                        result.fail(last);
                    }
                }
            });
        }
        return result;
    }

    /** See {@link Promise#race}. */
    static <T> Promise<T> race(EventLoop loop, List<Promise<T>> promises) {
        if (promises.isEmpty()) {
            throw new IllegalArgumentException("race() of no promises would never settle");
        }
        Promise<T> result = new Promise<>(loop);
        for (Promise<T> p : promises) {
            result.onCancel(p::cancel);
            p.onComplete((v, f) -> {
                if (result.isDone()) {
                    return;
                }
                result.settleFrom(v, f);
                promises.forEach(Promise::cancel);
            });
        }
        return result;
    }

    /** {@link Promise#map}. */
    static <T, U> Promise<U> map(Promise<T> source, Function<? super T, ? extends U> fn) {
        Objects.requireNonNull(fn, "fn");
        return onSuccess(source, (v, result) -> result.complete(fn.apply(v)));
    }

    /** {@link Promise#flatMap}: cancelling the result cancels the step's promise too. */
    static <T, U> Promise<U> flatMap(Promise<T> source, Function<? super T, Promise<U>> fn) {
        Objects.requireNonNull(fn, "fn");
        return onSuccess(source, (v, result) -> {
            Promise<U> next = Objects.requireNonNull(fn.apply(v), "flatMap function returned null");
            result.onCancel(next::cancel);
            next.onComplete(result::settleFrom);
        });
    }

    /**
     * The shape of map and flatMap: a derived promise that the source's failure fails, and that
     * {@code step} settles from its value (a step that throws fails it too).
     */
    private static <T, U> Promise<U> onSuccess(Promise<T> source, BiConsumer<? super T, Promise<U>> step) {
        Promise<U> result = source.derived();
        source.onComplete((v, f) -> {
            if (f != null) {
                result.fail(f);
                return;
            }
            try {
                step.accept(v, result);
            } catch (Throwable t) {
                result.fail(t);
            }
        });
        return result;
    }
}
