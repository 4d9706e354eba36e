using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace QuantaSeal.Connectors.Http;

/// <summary>
/// The outbound host allowlist (no SSRF). It decides twice: when an integration's <c>domain</c> becomes a
/// <see cref="ConnectorTarget"/>, and again at connect time on every address DNS returns — so a name on the
/// allowlist that resolves to loopback, a private network or the cloud metadata address (169.254.169.254) is
/// refused unless the operator allowed that address explicitly. Redirects are off in the handler, so no response
/// can move a request to a host this policy did not check.
/// </summary>
public sealed class UpstreamHostPolicy
{
    private readonly IReadOnlyList<AllowRule> _rules;
    private readonly bool _allowPrivateNetworks;

    /// <summary>Creates the policy from options (invalid patterns throw with every problem listed).</summary>
    public UpstreamHostPolicy(IOptions<UpstreamOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        var rules = new List<AllowRule>();
        var errors = new List<string>();
        foreach (var pattern in UpstreamOptions.DefaultAllow.Concat(value.Allow))
        {
            var rule = AllowRule.Parse(pattern, out var error);
            if (rule is null)
            {
                errors.Add(error!);
            }
            else
            {
                rules.Add(rule);
            }
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(UpstreamOptions.SectionName, typeof(UpstreamOptions), errors.Select(e => "--upstream-allow " + e));
        }

        _rules = rules;
        _allowPrivateNetworks = value.AllowPrivateNetworks;
    }

    /// <summary>DNS resolution; replaceable in tests to simulate names that resolve to internal addresses.</summary>
    internal Func<string, CancellationToken, Task<IPAddress[]>> Resolver { get; set; } = Dns.GetHostAddressesAsync;

    /// <summary>The effective allowlist patterns.</summary>
    public IReadOnlyList<string> Patterns => [.. _rules.Select(r => r.Pattern)];

    /// <summary>
    /// Turns an integration's <paramref name="domain"/> (<c>acme.us.auth0.com</c>, or a full base URL such as
    /// <c>http://127.0.0.1:4010</c> when a rule allows it) into a target; false with a client-safe reason otherwise.
    /// </summary>
    public bool TryCreateTarget(string systemType, string? domain, out ConnectorTarget? target, out string? error)
    {
        target = null;
        var text = domain?.Trim() ?? string.Empty;
        if (text.Length is 0 or > 300)
        {
            error = "'domain' is required (a host name such as acme.us.auth0.com).";
            return false;
        }

        var candidate = text.Contains("://", StringComparison.Ordinal) ? text : "https://" + text;
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(uri.UserInfo)
            || uri.AbsolutePath != "/"
            || !string.IsNullOrEmpty(uri.Query)
            || !string.IsNullOrEmpty(uri.Fragment)
            || candidate.Contains('\\', StringComparison.Ordinal))
        {
            error = "'domain' must be a host name or a base URL (scheme, host and port only).";
            return false;
        }

        var host = uri.IdnHost.ToLowerInvariant();
        var isAddress = IPAddress.TryParse(host.Trim('[', ']'), out var literal);
        if (!isAddress && !HostNames.IsValid(host))
        {
            error = "'domain' is not a valid host name.";
            return false;
        }

        var rule = Match(uri.Scheme, host, uri.Port);
        if (rule is null)
        {
            // The allowlist is the operator's configuration (it may name internal hosts): a tenant is not shown it.
            error = "'domain' is not on the operator's outbound allowlist (by default the vendors' cloud domains over https, such as acme.us.auth0.com or acme.okta.com); the operator can add it with --upstream-allow.";
            return false;
        }

        if (literal is not null && !IsAddressAllowed(literal, rule))
        {
            error = "'domain' is a private, loopback or link-local address, which the outbound policy refuses.";
            return false;
        }

        target = new ConnectorTarget(systemType, new Uri($"{uri.Scheme}://{uri.Authority.ToLowerInvariant()}/"));
        error = null;
        return true;
    }

    /// <summary>Whether <paramref name="address"/> is a public unicast address.</summary>
    public static bool IsPublicAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublicAddress(address.MapToIPv4());
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return !(b[0] == 0
                || b[0] == 10
                || b[0] == 127
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
                || (b[0] == 192 && b[1] == 88 && b[2] == 99)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 198 && b[1] is 18 or 19)
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                || (b[0] == 203 && b[1] == 0 && b[2] == 113)
                || b[0] >= 224);
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> b = stackalloc byte[16];
            address.TryWriteBytes(b, out _);
            if (IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6None.Equals(address) || address.IsIPv6LinkLocal
                || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal)
            {
                return false;
            }

            // NAT64: the well-known prefix 64:ff9b::/96 (RFC 6052) carries an IPv4 address that must pass too; the
            // local-use prefix 64:ff9b:1::/48 (RFC 8215) and the rest of 64:ff9b::/32 translate to whatever the local
            // network chooses, private ranges included, so nothing under them is public.
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)
            {
                return b[4..12].IndexOfAnyExcept((byte)0) < 0 && IsPublicAddress(new IPAddress(b[12..]));
            }

            // IPv4-compatible ::a.b.c.d (deprecated by RFC 4291 §2.5.5.1, still routed by some stacks to the IPv4
            // address) carries the address in the last four bytes; :: and ::1 land here too and are refused.
            if (b[..12].IndexOfAnyExcept((byte)0) < 0)
            {
                return IsPublicAddress(new IPAddress(b[12..]));
            }

            // 6to4 (2002::/16, RFC 3056): the relay forwards to the IPv4 address in bytes 2-5.
            if (b[0] == 0x20 && b[1] == 0x02)
            {
                return IsPublicAddress(new IPAddress(b[2..6]));
            }

            // Teredo (2001::/32, RFC 4380) tunnels to an obfuscated IPv4 address through a relay: refused.
            if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00)
            {
                return false;
            }

            // 2001:db8::/32 documentation.
            return !(b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8);
        }

        return false;
    }

    /// <summary>
    /// <see cref="SocketsHttpHandler.ConnectCallback"/>: re-checks the host against the allowlist, resolves it, and
    /// refuses the connection when any resolved address is not allowed (a mixed answer is treated as hostile).
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host.ToLowerInvariant();
        var port = context.DnsEndPoint.Port;
        var scheme = context.InitialRequestMessage.RequestUri?.Scheme ?? "https";
        var rule = Match(scheme, host, port) ?? throw new UpstreamBlockedException("The upstream host is not on the outbound allowlist.");

        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Resolver(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new UpstreamBlockedException("The upstream host did not resolve.");
        }

        foreach (var address in addresses)
        {
            if (!IsAddressAllowed(address, rule))
            {
                throw new UpstreamBlockedException("The upstream host resolves to a private, loopback or link-local address, which the outbound policy refuses.");
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    internal AllowRule? Match(string scheme, string host, int port) =>
        _rules.FirstOrDefault(r => r.Matches(scheme, host, port));

    private bool IsAddressAllowed(IPAddress address, AllowRule rule) =>
        _allowPrivateNetworks || IsPublicAddress(address) || (rule.Address is not null && rule.Address.Equals(address));
}
