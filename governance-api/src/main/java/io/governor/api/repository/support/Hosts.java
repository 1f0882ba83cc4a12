package io.governor.api.repository.support;

import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves the servers' host names before a client is made, so that a name that does not resolve is
 * one clear error instead of the client's retries (the ZooKeeper client logs a stack trace for every
 * attempt; gRPC retries quietly until the connect timeout). Stateless; blocks for name resolution.
 */
public final class Hosts {

    private Hosts() {
    }

    /** The host of {@code host:port}, {@code [v6]:port} or a bare host. */
    public static String host(String entry) {
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            return close < 0 ? entry : entry.substring(1, close);
        }
        int colon = entry.lastIndexOf(':');
        return colon < 0 ? entry : entry.substring(0, colon);
    }

    /**
     * Resolves every host. Fails when none resolves; returns the ones that do not resolve when others
     * do (empty when all do), for the caller to log and leave to the client.
     *
     * @param what the start of the message, naming the operation and repository
     * @throws GovernanceException {@code CONNECT_FAILED} "{@code <what>: cannot resolve host '...'}"
     *         (not worth retrying)
     */
    public static List<String> requireResolvable(List<String> hosts, String what) {
        List<String> unresolved = new ArrayList<>();
        UnknownHostException first = null;
        for (String host : hosts) {
            try {
                InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                unresolved.add(host);
                first = first == null ? e : first;
            }
        }
        if (!unresolved.isEmpty() && unresolved.size() == hosts.size()) {
            throw new GovernanceException(ErrorCode.CONNECT_FAILED, what + ": cannot resolve host"
                    + (unresolved.size() == 1 ? " '" + unresolved.get(0) + "'" : "s " + unresolved), first);
        }
        return unresolved;
    }
}
