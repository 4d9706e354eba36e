using System.Net;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QuantaSeal.Client;
using QuantaSeal.AdminConsole.Sessions;

namespace QuantaSeal.AdminConsole.Pages;

/// <summary>
/// Base of the console pages: the SDK client of the session's key, and the API's refusals turned into a message
/// (a 401 is not caught here: <see cref="ConsoleSessionFilter"/> ends the session).
/// </summary>
public abstract class ConsolePage : PageModel
{
    private readonly ConsoleApi _api;

    private protected ConsolePage(ConsoleApi api) => _api = api;

    /// <summary>The API's refusal of the last action, in words.</summary>
    public string? Error { get; protected set; }

    /// <summary>What the last action did.</summary>
    public string? Notice { get; protected set; }

    private protected QuantaSealClient Api => _api.For(User);

    private protected ConsoleApi Connection => _api;

    /// <summary>Runs <paramref name="action"/>; an API refusal other than 401 becomes <see cref="Error"/>.</summary>
    private protected async Task<bool> TryAsync(Func<Task> action)
    {
        try
        {
            await action();
            return true;
        }
        catch (QuantaSealApiException ex) when (ex.StatusCode != HttpStatusCode.Unauthorized)
        {
            Error = Describe(ex);
            return false;
        }
    }

    /// <summary>An API refusal in words: the problem's title and detail (they never hold secrets), and the status.</summary>
    public static string Describe(QuantaSealApiException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var status = (int)ex.StatusCode;
        var words = ex.StatusCode switch
        {
            HttpStatusCode.Forbidden => "This key does not have the scope for this action.",
            HttpStatusCode.TooManyRequests => "Too many requests: wait a moment and try again.",
            _ => null,
        };
        var text = string.Join(" ", new[] { ex.Title, ex.Detail }.Where(s => !string.IsNullOrWhiteSpace(s)));
        return $"{(words is null ? text : words + " " + text).Trim()} (HTTP {status})";
    }
}
