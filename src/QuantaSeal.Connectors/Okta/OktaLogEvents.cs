namespace QuantaSeal.Connectors.Okta;

/// <summary>Fixed event ids of the Okta connector (range 5200–5299). Never renumber a shipped id.</summary>
internal static class OktaLogEvents
{
    public const int TokenAcquired = 5200;
    public const int TokenRefused = 5201;
    public const int TokenEndpointFailed = 5202;
    public const int DpopRequired = 5203;
    public const int DpopNonceRetry = 5204;
    public const int ClientSecretRefusedLocally = 5205;
    public const int PrivateKeyUnreadable = 5206;
    public const int ApiTokenUsed = 5207;
    public const int OperationCompleted = 5210;
    public const int OperationFailed = 5211;
    public const int TransportFailed = 5212;
    public const int ResponseTooLarge = 5213;
}
