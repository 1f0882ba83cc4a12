package io.governor.tracing.opentracing;

import io.jaegertracing.internal.JaegerSpan;
import io.jaegertracing.internal.JaegerTracer;
import io.jaegertracing.internal.reporters.InMemoryReporter;
import io.jaegertracing.internal.samplers.ConstSampler;
import io.opentracing.Span;
import io.opentracing.Tracer;
import org.junit.jupiter.api.AfterEach;

import java.util.List;
import java.util.Map;

/** The tracing scenarios with a real tracer: Jaeger's, reporting to memory, sampling everything. */
class JaegerTracerTest extends TracingScenarios {

    private final InMemoryReporter reporter = new InMemoryReporter();
    private final JaegerTracer tracer = new JaegerTracer.Builder("order-service")
            .withReporter(reporter)
            .withSampler(new ConstSampler(true))
            .build();

    @AfterEach
    void closeTracer() {
        tracer.close();
    }

    @Override
    Tracer tracer() {
        return tracer;
    }

    @Override
    List<FinishedSpan> finished() {
        return reporter.getSpans().stream().map(JaegerTracerTest::toFinished).toList();
    }

    private static FinishedSpan toFinished(JaegerSpan s) {
        List<Map<String, ?>> logs = s.getLogs() == null ? List.of()
                : s.getLogs().stream().<Map<String, ?>>map(l -> l.getFields() == null ? Map.of() : l.getFields()).toList();
        return new FinishedSpan(s.getOperationName(), s.context().getTraceId(), s.context().getSpanId(),
                s.context().getParentId(), s.getTags(), logs);
    }

    @Override
    long spanId(Span span) {
        return ((JaegerSpan) span).context().getSpanId();
    }
}
