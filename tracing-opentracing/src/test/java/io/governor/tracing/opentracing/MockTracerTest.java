package io.governor.tracing.opentracing;

import io.opentracing.Span;
import io.opentracing.Tracer;
import io.opentracing.mock.MockSpan;
import io.opentracing.mock.MockTracer;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The tracing scenarios with OpenTracing's {@link MockTracer}. */
class MockTracerTest extends TracingScenarios {

    private final MockTracer tracer = new MockTracer();

    @Override
    Tracer tracer() {
        return tracer;
    }

    @Override
    List<FinishedSpan> finished() {
        return tracer.finishedSpans().stream().map(s -> new FinishedSpan(s.operationName(), s.context().toTraceId(),
                s.context().spanId(), s.parentId(), s.tags(), s.logEntries().stream()
                .map(e -> (Map<String, ?>) e.fields()).collect(Collectors.toList()))).toList();
    }

    @Override
    long spanId(Span span) {
        return ((MockSpan) span).context().spanId();
    }
}
