using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using QuantaSeal.Client;

namespace QuantaSeal.AdminConsole.Tests;

/// <summary>
/// Console sign-ins count toward the API's failed-authentication budget of the browser's own address: the console
/// calls its API over loopback, but the API charges (and throttles) the address of the browser that submitted the form,
/// so one address's failed sign-ins neither lock out other users nor go uncharged. That holds for both sign-in paths:
/// a key with a tenant key prefix is tried as an API key, any other as the operator key.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ConsoleSignInLimitTests(ConsoleFixture fixture)
{
    /// <summary>The fixture's failed-authentication budget (ConsoleServer: 10, one back per second).</summary>
    private const int Budget = 10;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Made-up keys from <paramref name="attackerAddress"/> (a loopback address no other console test uses): with a tenant
    /// key prefix they are refused by the tenant API, without one by the operator check; either way they are charged.
    /// </summary>
    [Theory]
    [InlineData("qs_live_made-up-", "127.0.0.2")]
    [InlineData("made-up-operator-key-attempt-", "127.0.0.3")]
    public async Task FailedSignIns_FromOneAddress_Get429_WhileOtherAddressesAndTheApiKeepWorking(string madeUpKey, string attackerAddress)
    {
        var tenant = await fixture.CreateTenantAsync("sign-in-limits");
        using var attacker = From(IPAddress.Parse(attackerAddress));
        var token = AntiforgeryField().Match(await attacker.GetStringAsync(new Uri("/console/sign-in", UriKind.Relative), Ct)).Groups[1].Value;
        Assert.NotEmpty(token);

        // Made-up keys through the console's sign-in form until the address is throttled.
        var refusedFirst = 0;
        HttpResponseMessage? throttled = null;
        for (var attempt = 0; attempt < 4 * Budget && throttled is null; attempt++)
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Key"] = madeUpKey + attempt, ["__qs_af"] = token });
            var response = await attacker.PostAsync(new Uri("/console/sign-in", UriKind.Relative), form, Ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throttled = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Contains("The key was not accepted.", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
                refusedFirst++;
                response.Dispose();
            }
        }

        Assert.NotNull(throttled);
        using (throttled)
        {
            Assert.True(refusedFirst >= Budget, $"throttled after {refusedFirst} refusals, before the budget of {Budget} was spent");
            Assert.True(throttled.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
            Assert.Contains("Too many failed sign-in attempts from your address", await throttled.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        // The budget spent is the API's own for that address: the API refuses it too, even with a valid key
        // (429 problem, checked before any key is looked up). A made-up console caller token changes nothing.
        attacker.DefaultRequestHeaders.Add("X-QuantaSeal-Console-Caller", "made-up-token");
        var api = new QuantaSealClient(attacker, tenant.ApiKey);
        var refused = await Assert.ThrowsAsync<QuantaSealApiException>(() => api.GetTenantAsync(Ct));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("Too many requests.", refused.Title);

        // Another address is not affected: the API checks its keys (a wrong one is a plain 401, not 429), and its
        // browser signs in to the console (whose own calls to the API come from loopback, like the attacker's did).
        var other = await Assert.ThrowsAsync<QuantaSealApiException>(() => fixture.Server.Sdk("qs_live_made-up-elsewhere").GetTenantAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        Assert.Equal(tenant.TenantId, (await fixture.Server.Sdk(tenant.ApiKey).GetTenantAsync(Ct)).TenantId);
        var page = await fixture.NewPageAsync();
        await Browse.SignInAsync(page, tenant.ApiKey);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
    }

    /// <summary>An HTTP client of the server whose connections come from <paramref name="local"/> (any 127/8 address is loopback on Linux).</summary>
    private HttpClient From(IPAddress local) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        CookieContainer = new CookieContainer(),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = fixture.Server.BaseAddress,
    };

    [GeneratedRegex("name=\"__qs_af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
