package dev.para.dispatch.registry;

import io.quarkus.logging.Log;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which addresses a registry check may connect to. A caller names the registry (and the registry
 * names its token service and redirects), so without this any caller could make the service
 * reach loopback, the cloud's metadata endpoint or services inside the cluster. Every host is
 * resolved here, every address it resolves to is vetted, and the connection goes to the vetted
 * address ({@link RegistryHttp}), so a DNS answer cannot change between the check and the use.
 */
final class RegistryAddresses {

    /** An IP block: an address and a prefix length. */
    record Cidr(byte[] network, int prefix) {

        static Cidr parse(String cidr) {
            String[] parts = cidr.strip().split("/", 2);
            InetAddress address;
            try {
                address = InetAddress.getByName(parts[0]); // a literal: no lookup
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not a CIDR: " + cidr);
            }
            int bits = address.getAddress().length * 8;
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : bits;
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("not a CIDR: " + cidr);
            }
            return new Cidr(address.getAddress(), prefix);
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            return rest == 0 || ((a[full] ^ network[full]) & (0xff << (8 - rest)) & 0xff) == 0;
        }
    }

    private static final List<Cidr> CGNAT = List.of(Cidr.parse("100.64.0.0/10"));
    private static final List<Cidr> UNIQUE_LOCAL = List.of(Cidr.parse("fc00::/7"));
    /** Blocks no registry lives in: "this network", benchmarking, documentation, reserved. */
    private static final List<Cidr> RESERVED = List.of(
            Cidr.parse("0.0.0.0/8"),
            Cidr.parse("192.0.0.0/24"),
            Cidr.parse("198.18.0.0/15"),
            Cidr.parse("240.0.0.0/4"),
            Cidr.parse("64:ff9b::/96"),
            Cidr.parse("100::/64"));

    private final List<String> allowedHosts;
    private final boolean allowPrivate;
    private final List<Cidr> cluster;

    RegistryAddresses(RegistryConfig config) {
        this.allowedHosts = config.allowedHosts().orElse(List.of()).stream()
                .map(h -> h.strip().toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty())
                .toList();
        this.allowPrivate = config.allowPrivateAddresses();
        this.cluster = config.clusterCidrs().orElse(List.of()).stream()
                .filter(c -> !c.isBlank())
                .map(Cidr::parse)
                .toList();
    }

    /** Whether the operator allowed this host (and port) by name. */
    boolean allowed(String host, int port) {
        String name = host.toLowerCase(Locale.ROOT);
        return allowedHosts.contains(name) || allowedHosts.contains(name + ":" + port);
    }

    /**
     * The address to connect to for {@code host}: the first it resolves to, once every one of them
     * passed (a name with one internal address among public ones is refused too). Blocking: DNS.
     */
    InetAddress vet(String host, int port) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new RegistryException(RegistryError.UNREACHABLE, host + " does not resolve", null);
        }
        if (!allowed(host, port)) {
            for (InetAddress address : addresses) {
                refusal(address).ifPresent(why -> {
                    // the caller learns that the host is refused, not which kind of internal address it has
                    Log.debugf("Registry host %s refused: it resolves to %s", host, why);
                    throw new RegistryException(
                            RegistryError.ADDRESS_REFUSED,
                            host + " resolves to an internal address;"
                                    + " an operator can allow the host by name (para.registry.allowed-hosts)",
                            null);
                });
            }
        }
        return addresses[0];
    }

    /** Why the address may not be reached, if it may not. */
    Optional<String> refusal(InetAddress address) {
        InetAddress a = unmapped(address);
        if (a.isLoopbackAddress()) {
            return Optional.of("a loopback address");
        }
        if (a.isLinkLocalAddress()
                || a.isAnyLocalAddress()
                || a.isMulticastAddress()
                || a.getHostAddress().equalsIgnoreCase("fd00:ec2:0:0:0:0:0:254")) {
            return Optional.of("a link-local, metadata or unspecified address");
        }
        if (cluster.stream().anyMatch(c -> c.contains(a))) {
            return Optional.of("an address of the cluster");
        }
        if (RESERVED.stream().anyMatch(c -> c.contains(a))) {
            return Optional.of("a reserved address");
        }
        boolean internal = a.isSiteLocalAddress()
                || CGNAT.stream().anyMatch(c -> c.contains(a))
                || UNIQUE_LOCAL.stream().anyMatch(c -> c.contains(a));
        if (internal && !allowPrivate) {
            return Optional.of("a private address (para.registry.allow-private-addresses is off)");
        }
        return Optional.empty();
    }

    /** An IPv4 address written as IPv6 (::ffff:a.b.c.d, or the old ::a.b.c.d) is judged as the IPv4 address. */
    private static InetAddress unmapped(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            boolean prefixZero = true;
            for (int i = 0; i < 10; i++) {
                prefixZero &= b[i] == 0;
            }
            boolean mapped = prefixZero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            boolean compatible = prefixZero && b[10] == 0 && b[11] == 0 && (b[12] | b[13] | b[14]) != 0;
            if (mapped || compatible) {
                try {
                    return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return address;
    }
}
