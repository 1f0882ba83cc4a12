package io.governor.bench.failure;

import io.governor.bench.support.BenchContext;

/** Placeholder: the failure benchmark is being written. */
public final class FailureDetection {

    private FailureDetection() {
    }

    public static void run(BenchContext ctx) {
        throw new UnsupportedOperationException("failure: not written yet");
    }
}
