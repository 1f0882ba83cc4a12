package io.governor.bench.locks;

import io.governor.bench.support.BenchContext;

/** Placeholder: the locks benchmark is being written. */
public final class Locks {

    private Locks() {
    }

    public static void run(BenchContext ctx) {
        throw new UnsupportedOperationException("locks: not written yet");
    }
}
