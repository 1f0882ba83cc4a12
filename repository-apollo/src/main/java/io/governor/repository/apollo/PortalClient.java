package io.governor.repository.apollo;

import com.ctrip.framework.apollo.openapi.client.ApolloOpenApiClient;
import com.ctrip.framework.apollo.openapi.dto.NamespaceReleaseDTO;
import com.ctrip.framework.apollo.openapi.dto.OpenEnvClusterDTO;
import com.ctrip.framework.apollo.openapi.dto.OpenItemDTO;
import com.ctrip.framework.apollo.openapi.dto.OpenReleaseDTO;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.support.Digests;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The write side: items and releases of one Apollo namespace through the Apollo OpenAPI client.
 * Every method blocks for one or more HTTP calls bounded by the connect and read timeouts, and
 * throws {@link GovernanceException} translated by {@link ApolloErrors}. Thread-safe.
 */
final class PortalClient {

    /** The {@code Name} column of Apollo's {@code Release} table: a longer name fails the release with HTTP 500. */
    static final int MAX_RELEASE_NAME = 64;
    /** The {@code Comment} column of Apollo's {@code Release} table. */
    static final int MAX_RELEASE_COMMENT = 256;

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
            // Apollo 2.4 answers 404 "item not found" for an item already gone (older portals 400).
            if ((e.code() != ErrorCode.NOT_FOUND && e.code() != ErrorCode.INVALID_ARGUMENT) || value(itemKey, key) != null) {
                throw e;
            }
        }
    }

    /**
     * Publishes the namespace: every unpublished edit in it, this repository's or anyone else's,
     * becomes visible to clients. The release name is {@code governor <operation> <key>} cut to
     * Apollo's 64 characters (the end replaced by a hash); the comment holds it whole, up to 256.
     * Not safe to retry blindly: see {@link Release}.
     */
    void publish(String operation, String key) {
        String title = "governor " + operation + " " + key;
        NamespaceReleaseDTO release = new NamespaceReleaseDTO();
        release.setReleaseTitle(bounded(title, MAX_RELEASE_NAME));
        release.setReleaseComment(bounded(title, MAX_RELEASE_COMMENT));
        release.setReleasedBy(settings.operator);
        call(operation, key, () -> client().publishNamespace(settings.appId, settings.env, settings.cluster,
                settings.namespaceName, release));
    }

    /** The items of the namespace's latest release, or null if it was never released. Safe to retry. */
    Map<String, String> released(String operation, String key) {
        OpenReleaseDTO latest = call(operation, key, () -> client().getLatestActiveRelease(settings.appId, settings.env,
                settings.cluster, settings.namespaceName));
        return latest == null ? null : latest.getConfigurations();
    }

    /**
     * Checks, before the Apollo client first loads the namespace, that the portal serves the
     * configured environment and cluster, and releases a namespace that was never released (the
     * config service has nothing to give for one, so the client could not open it).
     */
    void prepare() {
        List<OpenEnvClusterDTO> envs = call("connect", "/", () -> client().getEnvClusterInfo(settings.appId));
        boolean served = envs.stream().anyMatch(e -> settings.env.equalsIgnoreCase(e.getEnv())
                && e.getClusters() != null && e.getClusters().contains(settings.cluster));
        if (!served) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG, "connect: apollo repository (" + settings.where()
                    + "): the portal " + settings.portalUrl + " has no environment '" + settings.env + "' with cluster '"
                    + settings.cluster + "' for this app; it has " + envs.stream().map(e -> e.getEnv() + " "
                    + e.getClusters()).toList() + " (set the property env)");
        }
        if (released("connect", "/") == null) {
            publish("first release", "/");
        }
    }

    static String bounded(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 9) + "~" + Digests.sha256(text).substring(0, 8);
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
