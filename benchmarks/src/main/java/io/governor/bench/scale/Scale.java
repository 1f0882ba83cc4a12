package io.governor.bench.scale;

import io.governor.bench.support.BenchContext;

/** Placeholder: the scale benchmark is being written. */
public final class Scale {

    private Scale() {
    }

    public static void run(BenchContext ctx) {
        throw new UnsupportedOperationException("scale: not written yet");
    }
}
