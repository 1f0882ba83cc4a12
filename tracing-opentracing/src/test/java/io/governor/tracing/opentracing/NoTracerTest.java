package io.governor.tracing.opentracing;

import io.governor.core.fixture.NoTracerContract;
import io.opentracing.mock.MockTracer;
import io.opentracing.noop.NoopTracerFactory;
import io.opentracing.util.GlobalTracer;

/** Without a tracer the listener does nothing. This JVM never registers a GlobalTracer. */
class NoTracerTest extends NoTracerContract {

    NoTracerTest() {
        super(OpenTracingListener::new, () -> OpenTracingListener.builder().tracer(NoopTracerFactory.create()).build(),
                enabled -> OpenTracingListener.builder().tracer(new MockTracer()).enabled(enabled).build(),
                GlobalTracer::isRegistered);
    }
}
