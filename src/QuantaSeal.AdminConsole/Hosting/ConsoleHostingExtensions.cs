using System.Reflection;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QuantaSeal.AdminConsole.Sessions;

namespace QuantaSeal.AdminConsole.Hosting;

/// <summary>Adds the Admin Console to a front door: <c>builder.AddQuantaSealConsole()</c>, then <c>app.MapQuantaSealConsole()</c>.</summary>
public static class ConsoleHostingExtensions
{
    private const string PathBase = "/console";

    /// <summary>
    /// Registers the console when <see cref="ConsoleOptions.Enabled"/> (the default). Returns whether it is on.
    /// </summary>
    /// <exception cref="InvalidOperationException">The console options are invalid (the message lists every problem).</exception>
    public static bool AddQuantaSealConsole(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Bound once, here: whether the console is on and the cookie's lifetime are decided now, and the instance
        // validated below is the one every console service gets (a second binding at first use could see other values
        // than the ones checked, e.g. after a configuration reload).
        var options = builder.Configuration.GetSection(ConsoleOptions.SectionName).Get<ConsoleOptions>() ?? new ConsoleOptions();
        if (!options.Enabled)
        {
            return false;
        }

        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid console configuration: " + string.Join(" ", errors));
        }

        var services = builder.Services;
        services.AddSingleton(Options.Create(options));
        services.AddRazorPages(o =>
        {
            o.Conventions.ConfigureFilter(new Microsoft.AspNetCore.Mvc.ResponseCacheAttribute { NoStore = true, Location = Microsoft.AspNetCore.Mvc.ResponseCacheLocation.None });
        })
            .AddApplicationPart(typeof(ConsoleOptions).Assembly)
            .AddMvcOptions(o => o.Filters.Add<ConsoleSessionFilter>());
        services.AddAuthentication().AddCookie(ConsolePolicies.Scheme, cookie =>
        {
            cookie.Cookie.Name = "qs_console";
            cookie.Cookie.Path = PathBase;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = options.IdleTimeout;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = PathBase + "/sign-in";
            cookie.LogoutPath = PathBase + "/sign-out";
            cookie.AccessDeniedPath = PathBase + "/denied";
            cookie.ReturnUrlParameter = "return_url";
        });
        services.AddAuthorization(ConsolePolicies.Add);
        services.AddAntiforgery(a =>
        {
            a.Cookie.Name = "qs_console_af";
            a.Cookie.Path = PathBase;
            a.Cookie.SameSite = SameSiteMode.Strict;
            a.Cookie.HttpOnly = true;
            a.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            a.FormFieldName = "__qs_af";
        });
        // The console's calls carry the browser's address to the API (one-time tokens, see ConsoleCallers), so that
        // sign-in attempts and every other call count toward the API's limits for that browser, not for loopback.
        services.AddHttpContextAccessor();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ConsoleCallers>();
        services.AddTransient<ConsoleCallerHandler>();
        services.AddSingleton<IStartupFilter, ConsoleCallerStartupFilter>();
        services.AddHttpClient(ConsoleApi.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(60))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
            .AddHttpMessageHandler<ConsoleCallerHandler>();
        services.AddSingleton<ConsoleApiAddress>();
        services.AddSingleton<ConsoleApi>();
        services.AddScoped<ConsoleSessionFilter>();
        return true;
    }

    /// <summary>Maps the console pages and assets under <c>/console</c> and sets their security headers.</summary>
    public static WebApplication MapQuantaSealConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(c => c.Request.Path.StartsWithSegments(PathBase, StringComparison.OrdinalIgnoreCase), console => console.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            // No inline script or style anywhere: everything comes from /console/assets on this origin.
            headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), clipboard-write=(self)";
            await next(context);
        }));
        app.MapRazorPages();
        app.MapGet(PathBase + "/assets/{name}", (string name) => Asset(name)).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    private static IResult Asset(string name)
    {
        var contentType = Path.GetExtension(name) switch
        {
            ".css" => "text/css; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => null,
        };
        var stream = contentType is null ? null : Assembly.GetExecutingAssembly().GetManifestResourceStream("QuantaSeal.AdminConsole.Assets." + name);
        return stream is null ? Results.NotFound() : Results.Stream(stream, contentType);
    }
}
