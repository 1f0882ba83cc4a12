package io.governor.tracing.opentracing;

import java.util.List;
import java.util.Map;

/** A finished span as any tracer under test reports it. */
record FinishedSpan(String name, String traceId, long spanId, long parentId, Map<String, Object> tags,
                    List<Map<String, ?>> logs) {

    Object tag(String key) {
        return tags.get(key);
    }

    /** The fields of the first log event named {@code event}, or null. */
    Map<String, ?> log(String event) {
        return logs.stream().filter(l -> event.equals(l.get("event"))).findFirst().orElse(null);
    }
}
