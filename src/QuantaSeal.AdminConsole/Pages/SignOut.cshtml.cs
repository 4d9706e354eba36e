using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace QuantaSeal.AdminConsole.Pages;

/// <summary>
/// Sign-out (POST only, with antiforgery): drops the session cookie. The session's scheme authenticates the request
/// first: the form's antiforgery token was issued to the signed-in user, and is checked against that same user (an
/// anonymous request would fail the check with 400 and never sign out). Without a session, the sign-in page opens.
/// </summary>
[Authorize(AuthenticationSchemes = ConsolePolicies.Scheme)]
internal sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => Redirect("/console");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(ConsolePolicies.Scheme);
        return Redirect("/console/sign-in");
    }
}
