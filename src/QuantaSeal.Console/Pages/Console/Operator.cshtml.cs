using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using QuantaSeal.Client;
using QuantaSeal.Client.Tenants;
using QuantaSeal.Console.Sessions;

namespace QuantaSeal.Console.Pages.Console;

/// <summary>Operator: create a tenant; its one-time secrets are rendered in that one answer, with download links.</summary>
[Authorize(Policy = ConsolePolicies.Operator)]
internal sealed class OperatorModel(ConsoleApi api) : ConsolePage(api)
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string Environment { get; set; } = "live";

    /// <summary>The tenant just created; never stored by the console.</summary>
    public TenantCreation? Created { get; private set; }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var operatorKey = ConsoleApi.KeyOf(User);
        var client = Connection.For((string?)null);
        try
        {
            Created = await client.CreateTenantAsync(operatorKey, Name?.Trim() ?? string.Empty, Environment, cancellationToken);
            Name = null;
        }
        catch (QuantaSealApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            // The operator key changed since sign-in: end the session like any other refused key.
            throw;
        }
        catch (QuantaSealApiException ex)
        {
            Error = Describe(ex);
        }

        return Page();
    }

    public static string DataUrl(string text) => "data:text/plain;base64," + Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(text + "\n"));
}
