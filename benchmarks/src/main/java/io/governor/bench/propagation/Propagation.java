package io.governor.bench.propagation;

import io.governor.bench.support.BenchContext;

/** Placeholder: the propagation benchmark is being written. */
public final class Propagation {

    private Propagation() {
    }

    public static void run(BenchContext ctx) {
        throw new UnsupportedOperationException("propagation: not written yet");
    }
}
