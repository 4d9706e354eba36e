namespace QuantaSeal.Emulators.Auth0;

/// <summary>Management API scopes the emulator knows.</summary>
internal static class Auth0Scopes
{
    /// <summary>What the seeded client is granted by default: every scope QuantaSeal's operations need.</summary>
    public static IReadOnlyList<string> Default { get; } =
    [
        "read:users", "create:users", "update:users", "delete:users", "read:logs", "read:clients",
        "read:client_grants", "read:resource_servers", "read:roles", "read:connections", "read:actions",
    ];

    /// <summary>Every scope the Management API resource server defines in the emulator.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        .. Default,
        "read:user_idp_tokens", "read:current_user", "update:users_app_metadata", "update:current_user_metadata",
        "delete:current_user", "read:logs_users", "read:client_keys", "read:client_credentials", "read:client_summary",
    ];
}
