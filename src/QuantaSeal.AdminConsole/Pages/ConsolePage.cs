using System.Net;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace QuantaSeal.AdminConsole.Pages;

/// <summary>
/// Base of the console pages: the SDK client of the session's key, and the one way every handler talks to the API
/// (call it, turn a refusal into <see cref="Error"/> or the outcome into <see cref="Notice"/>, reload what the page
/// shows). A 401 is not caught here: <see cref="ConsoleSessionFilter"/> ends the session.
/// </summary>
public abstract class ConsolePage : PageModel
{
    private readonly ConsoleApi _api;

    private protected ConsolePage(ConsoleApi api) => _api = api;

    /// <summary>The API's refusal of the last action, in words.</summary>
    public string? Error { get; protected set; }

    /// <summary>What the last action did.</summary>
    public string? Notice { get; protected set; }

    /// <summary>The client the page's calls use: the session's API key (the operator page overrides it).</summary>
    private protected virtual QuantaSealClient Api => _api.For(User);

    private protected ConsoleApi Connection => _api;

    /// <summary>Runs <paramref name="action"/> with the session's client; an API refusal other than 401 becomes <see cref="Error"/>.</summary>
    private protected async Task<bool> TryAsync(Func<QuantaSealClient, Task> action)
    {
        try
        {
            await action(Api);
            return true;
        }
        catch (QuantaSealApiException ex) when (ex.StatusCode != HttpStatusCode.Unauthorized)
        {
            Error = Refusal(ex);
            return false;
        }
    }

    /// <summary>An API refusal as <see cref="Error"/> shows it: <see cref="Describe"/>, unless the page knows better words.</summary>
    private protected virtual string Refusal(QuantaSealApiException ex) => Describe(ex);

    /// <summary>A page's GET: loads what it shows (<see cref="LoadAsync"/>).</summary>
    public virtual Task OnGetAsync(CancellationToken cancellationToken) => ReloadAsync(cancellationToken);

    /// <summary>
    /// A handler that acts: runs <paramref name="action"/> (<see cref="TryAsync"/>), then reloads the page's data and
    /// renders the page, with the refusal if there was one.
    /// </summary>
    private protected async Task<IActionResult> ActAsync(Func<QuantaSealClient, Task> action, CancellationToken cancellationToken)
    {
        await TryAsync(action);
        return await PageAsync(cancellationToken);
    }

    /// <summary>A state-changing handler: <see cref="ActAsync"/> with <paramref name="change"/>'s answer, in words, as <see cref="Notice"/>.</summary>
    private protected Task<IActionResult> ChangeAsync(Func<QuantaSealClient, Task<string>> change, CancellationToken cancellationToken) =>
        ActAsync(async api => Notice = await change(api), cancellationToken);

    /// <summary>A handler's end: reloads what the page shows and renders it (<see cref="ReloadAsync"/>).</summary>
    private protected async Task<IActionResult> PageAsync(CancellationToken cancellationToken)
    {
        await ReloadAsync(cancellationToken);
        return Page();
    }

    /// <summary>Loads what the page shows (<see cref="LoadAsync"/>); an earlier refusal in this request stays the one shown.</summary>
    private protected async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var earlier = Error;
        await TryAsync(api => LoadAsync(api, cancellationToken));
        Error = earlier ?? Error;
    }

    /// <summary>Reads what the page shows from the API (nothing by default).</summary>
    private protected virtual Task LoadAsync(QuantaSealClient api, CancellationToken cancellationToken) => Task.CompletedTask;

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
