package io.governor.tracing.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;

/** The attribute keys the listener sets, made once. */
final class Attributes {

    // OpenTelemetry database and server conventions.
    static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");
    static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");
    static final AttributeKey<String> DB_NAMESPACE = AttributeKey.stringKey("db.namespace");
    static final AttributeKey<String> DB_OPERATION_NAME = AttributeKey.stringKey("db.operation.name");
    static final AttributeKey<String> DB_QUERY_TEXT = AttributeKey.stringKey("db.query.text");
    static final AttributeKey<String> DB_RESPONSE_STATUS_CODE = AttributeKey.stringKey("db.response.status_code");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final String PARAMETER_PREFIX = "db.query.parameter.";

    // Governor's own.
    static final AttributeKey<String> DATABASE = AttributeKey.stringKey("governor.database");
    static final AttributeKey<String> DATA_SOURCE = AttributeKey.stringKey("governor.datasource");
    static final AttributeKey<Boolean> REPLICA = AttributeKey.booleanKey("governor.replica");
    static final AttributeKey<String> REVISION = AttributeKey.stringKey("governor.revision");
    static final AttributeKey<Boolean> STATEMENT_TRUNCATED = AttributeKey.booleanKey("governor.statement.truncated");
    static final AttributeKey<Long> PARAMETER_COUNT = AttributeKey.longKey("governor.parameter.count");
    static final AttributeKey<String> NAMESPACE = AttributeKey.stringKey("governor.namespace");
    static final AttributeKey<String> INSTANCE = AttributeKey.stringKey("governor.instance");
    static final AttributeKey<String> SUMMARY = AttributeKey.stringKey("governor.summary");
    static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("governor.error.code");
    static final AttributeKey<String> STATE_KIND = AttributeKey.stringKey("governor.state.kind");
    static final AttributeKey<String> STATE_SUBJECT = AttributeKey.stringKey("governor.state.subject");
    static final AttributeKey<String> STATE = AttributeKey.stringKey("governor.state");
    static final AttributeKey<String> LOCK = AttributeKey.stringKey("governor.lock");
    static final AttributeKey<String> CENTER = AttributeKey.stringKey("governor.center");

    private Attributes() {
    }

    /** Keys {@code db.query.parameter.0} to {@code db.query.parameter.<count-1>}. */
    @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array cannot be created otherwise
    static AttributeKey<String>[] parameterKeys(int count) {
        AttributeKey<String>[] keys = new AttributeKey[count];
        for (int i = 0; i < count; i++) {
            keys[i] = AttributeKey.stringKey(PARAMETER_PREFIX + i);
        }
        return keys;
    }
}
