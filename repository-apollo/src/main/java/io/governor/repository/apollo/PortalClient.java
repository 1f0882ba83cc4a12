package io.governor.repository.apollo;

import com.ctrip.framework.apollo.openapi.client.ApolloOpenApiClient;
import com.ctrip.framework.apollo.openapi.dto.NamespaceReleaseDTO;
import com.ctrip.framework.apollo.openapi.dto.OpenItemDTO;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import java.util.function.Supplier;

/**
 * The write side: items and releases of one Apollo namespace through the Apollo OpenAPI client.
 * Every method blocks for one or more HTTP calls bounded by the connect and read timeouts, and
 * throws {@link GovernanceException} translated by {@link ApolloErrors}. Thread-safe.
 */
final class PortalClient {

    private final ApolloSettings settings;
    private final ApolloOpenApiClient client;

    PortalClient(ApolloSettings settings) {
        this.settings = settings;
        this.client = settings.writable() ? ApolloOpenApiClient.newBuilder()
                .withPortalUrl(settings.portalUrl)
                .withToken(settings.token)
                .withConnectTimeout(millis(settings.connectTimeout))
                .withReadTimeout(millis(settings.readTimeout))
                .build() : null;
    }

    /** The item's current value in the portal (including unpublished edits), or null. Safe to retry. */
    String value(String itemKey, String key) {
        OpenItemDTO item = call("get", key, () -> client().getItem(settings.appId, settings.env, settings.cluster,
                settings.namespaceName, itemKey));
        return item == null ? null : item.getValue();
    }

    /** Creates or updates an item, unpublished. Safe to retry. */
    void upsert(String itemKey, String key, String value) {
        OpenItemDTO item = new OpenItemDTO();
        item.setKey(itemKey);
        item.setValue(value);
        item.setDataChangeCreatedBy(settings.operator);
        item.setDataChangeLastModifiedBy(settings.operator);
        call("put", key, () -> {
            client().createOrUpdateItem(settings.appId, settings.env, settings.cluster, settings.namespaceName, item);
            return null;
        });
    }

    /** Removes an item, unpublished; an item that is already gone is not an error. Safe to retry. */
    void remove(String itemKey, String key) {
        try {
            call("delete", key, () -> {
                client().removeItem(settings.appId, settings.env, settings.cluster, settings.namespaceName, itemKey,
                        settings.operator);
                return null;
            });
        } catch (GovernanceException e) {
            // The portal answers 400 "item not exists" for a concurrent delete.
            if (e.code() != ErrorCode.INVALID_ARGUMENT || value(itemKey, key) != null) {
                throw e;
            }
        }
    }

    /**
     * Publishes the namespace: every unpublished edit in it, this repository's or anyone else's,
     * becomes visible to clients. Safe to retry.
     */
    void publish(String operation, String key) {
        NamespaceReleaseDTO release = new NamespaceReleaseDTO();
        release.setReleaseTitle("governor " + operation + " " + key);
        release.setReleaseComment("published by Governor");
        release.setReleasedBy(settings.operator);
        call(operation, key, () -> client().publishNamespace(settings.appId, settings.env, settings.cluster,
                settings.namespaceName, release));
    }

    private ApolloOpenApiClient client() {
        if (client == null) {
            throw new GovernanceException(ErrorCode.PERMISSION_DENIED, "apollo repository (" + settings.where()
                    + ") is read-only: set the properties portalUrl and token to write");
        }
        return client;
    }

    private <T> T call(String operation, String key, Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw ApolloErrors.translate(operation, key, settings, e);
        }
    }

    private static int millis(java.time.Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }
}
