using System.Net;

namespace QuantaSeal.Connectors.Http;

/// <summary>One parsed allowlist pattern.</summary>
internal sealed record AllowRule(string Pattern, string Scheme, string Host, bool Wildcard, int? Port, bool AnyPort, IPAddress? Address)
{
    /// <summary>Parses a pattern; null with an error when it is not one.</summary>
    public static AllowRule? Parse(string pattern, out string? error)
    {
        error = null;
        var text = pattern.Trim();
        var scheme = "https";
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            scheme = text[..schemeEnd].ToLowerInvariant();
            text = text[(schemeEnd + 3)..];
            if (scheme is not ("http" or "https"))
            {
                error = $"'{pattern}': scheme must be http or https.";
                return null;
            }
        }

        if (text.Contains('/', StringComparison.Ordinal) || text.Contains('@', StringComparison.Ordinal) || text.Length == 0)
        {
            error = $"'{pattern}': a pattern is [scheme://]host[:port], without path or user info.";
            return null;
        }

        int? port = null;
        var anyPort = false;
        string host;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"'{pattern}': unbalanced IPv6 brackets.";
                return null;
            }

            host = text[1..close];
            text = text[(close + 1)..];
            if (text.StartsWith(':'))
            {
                text = text[1..];
            }
            else if (text.Length > 0)
            {
                error = $"'{pattern}': unexpected text after the address.";
                return null;
            }
            else
            {
                text = string.Empty;
            }

            if (!ParsePort(text, ref port, ref anyPort))
            {
                error = $"'{pattern}': port must be a number or '*'.";
                return null;
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            host = colon >= 0 ? text[..colon] : text;
            if (colon >= 0 && !ParsePort(text[(colon + 1)..], ref port, ref anyPort))
            {
                error = $"'{pattern}': port must be a number or '*'.";
                return null;
            }
        }

        host = host.ToLowerInvariant();
        var wildcard = host.StartsWith("*.", StringComparison.Ordinal);
        var bareHost = wildcard ? host[2..] : host;
        var address = IPAddress.TryParse(bareHost, out var parsed) ? parsed : null;
        if (address is null && !HostNames.IsValid(bareHost))
        {
            error = $"'{pattern}': '{bareHost}' is not a valid host name.";
            return null;
        }

        if (wildcard && (address is not null || !bareHost.Contains('.', StringComparison.Ordinal)))
        {
            error = $"'{pattern}': a wildcard needs a domain with at least two labels (e.g. *.example.com).";
            return null;
        }

        if (port is null && !anyPort)
        {
            port = scheme == "https" ? 443 : 80;
        }

        return new AllowRule(pattern, scheme, bareHost, wildcard, port, anyPort, address);
    }

    /// <summary>Whether a request to scheme://host:port matches.</summary>
    public bool Matches(string scheme, string host, int port)
    {
        if (!string.Equals(scheme, Scheme, StringComparison.Ordinal) || (!AnyPort && port != Port))
        {
            return false;
        }

        if (Address is not null)
        {
            return IPAddress.TryParse(host.Trim('[', ']'), out var ip) && ip.Equals(Address);
        }

        return Wildcard
            ? host.EndsWith("." + Host, StringComparison.Ordinal) && host.Length > Host.Length + 1
            : string.Equals(host, Host, StringComparison.Ordinal);
    }

    private static bool ParsePort(string text, ref int? port, ref bool anyPort)
    {
        if (text == "*")
        {
            anyPort = true;
            return true;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65535)
        {
            port = p;
            return true;
        }

        return false;
    }
}
