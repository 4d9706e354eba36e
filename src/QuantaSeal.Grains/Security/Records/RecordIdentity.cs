namespace QuantaSeal.Grains.Security.Records;

/// <summary>
/// What a record's authenticator binds besides its fields: its kind, its tenant, its own id and its version, so a valid
/// record copied under another id, another tenant or another kind does not verify.
/// </summary>
/// <param name="Kind">One of <see cref="RecordKinds"/>.</param>
/// <param name="TenantId">The tenant whose KEK keys the authenticator.</param>
/// <param name="ObjectId">The grain key the record is stored under.</param>
/// <param name="RecordVersion">Bumped by every write of the record.</param>
internal readonly record struct RecordIdentity(string Kind, string TenantId, string ObjectId, long RecordVersion);
