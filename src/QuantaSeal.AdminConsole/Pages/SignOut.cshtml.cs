using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QuantaSeal.AdminConsole.Sessions;

namespace QuantaSeal.AdminConsole.Pages;

/// <summary>Sign-out (POST only, with antiforgery): drops the session cookie.</summary>
[AllowAnonymous]
internal sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => Redirect("/console");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(ConsolePolicies.Scheme);
        return Redirect("/console/sign-in");
    }
}
