using QuantaSeal.Emulators.Auth0;
using QuantaSeal.Tests.Shared;

namespace QuantaSeal.AdminConsole.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL database, one real server, one Auth0 emulator and one Debian chromium (driven by Playwright) shared
/// by every console test; each test opens its own browser context (own cookies) and uses its own tenant.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    /// <summary>Debian's chromium (installed by .ci/run); Playwright's own browser downloads are not used.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public PostgresTestDatabase Database { get; } = new();

    public ConsoleServer Server { get; private set; } = null!;

    public Auth0Emulator Auth0 { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>axe results per page (name → violations of any impact), written to the screenshot folder at the end.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> AxeReport { get; } = new(StringComparer.Ordinal);

    /// <summary>Where screenshots go: <c>artifacts/console-screenshots</c> at the repository root.</summary>
    public string ScreenshotDirectory { get; } = Path.Combine(RepoRoot(), "artifacts", "console-screenshots");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing. The console tests drive Debian's chromium: apt-get install -y chromium (.ci/run installs it).");
        }

        await Database.InitializeAsync();
        Server = new ConsoleServer(Database.ConnectionString);
        _ = Server.BaseAddress;
        Auth0 = await Auth0Emulator.StartAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    /// <summary>A new tenant, created by the operator through the API: each test works in its own.</summary>
    public Task<QuantaSeal.Client.Tenants.TenantCreation> CreateTenantAsync(string name) =>
        Server.Sdk(null).CreateTenantAsync(Server.OperatorKey, name, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>A fresh browser context (no cookies) and page on the server.</summary>
    public Task<IPage> NewPageAsync() => NewPageAsync(Server.BaseAddress);

    /// <summary>A fresh browser context (no cookies) and page on the server at <paramref name="baseAddress"/>.</summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.AbsoluteUri.TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
            AcceptDownloads = true,
        });
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!AxeReport.IsEmpty)
        {
            await File.WriteAllLinesAsync(Path.Combine(ScreenshotDirectory, "axe.txt"), AxeReport.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}"));
        }

        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Auth0 is not null)
        {
            await Auth0.DisposeAsync();
        }

        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QuantaSeal.Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (QuantaSeal.Orleans.sln).");
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
