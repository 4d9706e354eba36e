namespace QuantaSeal.Connectors.Auth0;

/// <summary>The value rules of an Auth0 payload field.</summary>
internal enum Auth0FieldKind
{
    /// <summary>A string without control characters, within the field's length limits (and allowed values, if any).</summary>
    String,

    /// <summary>A whole number within the field's range.</summary>
    Integer,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A string that looks like an email address (<c>local@domain.tld</c>, at most 254 characters).</summary>
    Email,

    /// <summary>An Auth0 user id (<c>auth0|123</c>): 1..512 characters, no control characters, not <c>.</c> or <c>..</c>.</summary>
    UserId,

    /// <summary>A sort spec <c>field:1</c> (ascending) or <c>field:-1</c> (descending).</summary>
    Sort,

    /// <summary>A comma-separated list of field names (<c>user_id,email</c>).</summary>
    FieldList,

    /// <summary>Any JSON object (user or app metadata).</summary>
    Object,

    /// <summary>A JSON object whose members are listed in <see cref="Auth0PayloadField.Members"/>; at least one.</summary>
    ClosedObject,

    /// <summary>An array of strings (each item checked like <see cref="String"/>), sent as a repeated query parameter.</summary>
    StringArray,
}
