package io.governor.tracing.opentracing;

import io.governor.core.fixture.GlobalTracerContract;
import io.opentracing.mock.MockTracer;
import io.opentracing.util.GlobalTracer;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ServiceLoader instance follows GlobalTracer; this JVM registers it once, mid-test. */
class GlobalTracerTest extends GlobalTracerContract {

    private final MockTracer tracer = new MockTracer();

    GlobalTracerTest() {
        super(OpenTracingListener::new, GlobalTracer::isRegistered);
    }

    @Override
    protected void setGlobal() {
        assertTrue(GlobalTracer.registerIfAbsent(tracer));
    }

    @Override
    protected List<SpanView> finished() {
        return tracer.finishedSpans().stream().map(s -> new SpanView(s.operationName(), s.tags())).toList();
    }
}
