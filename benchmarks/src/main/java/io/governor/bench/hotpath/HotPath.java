package io.governor.bench.hotpath;

import io.governor.bench.support.BenchContext;

/** Placeholder: the hotpath benchmark is being written. */
public final class HotPath {

    private HotPath() {
    }

    public static void run(BenchContext ctx) {
        throw new UnsupportedOperationException("hotpath: not written yet");
    }
}
