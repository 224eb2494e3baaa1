namespace Orchestrator.Orchestrations.Identifiers;

/// <summary>How strictly a USCC check character is enforced.</summary>
public enum UsccValidationMode
{
    /// <summary>New enterprises (新设立主体): a wrong check character is an error.</summary>
    Strict,
    /// <summary>Imported legacy records (存量导入): a wrong check character is a warning, because some genuinely registered codes fail the check.</summary>
    LegacyRecord,
}

/// <summary>Kind of a USCC problem.</summary>
public enum UsccProblemKind
{
    /// <summary>Not 18 characters.</summary>
    Length,
    /// <summary>A character outside the allowed set for its position.</summary>
    Character,
    /// <summary>The 18th character does not match the computed check character.</summary>
    CheckCharacter,
}

/// <summary>One problem found in a USCC; <see cref="Position"/> is 1-based (null for length).</summary>
public sealed record UsccProblem(UsccProblemKind Kind, int? Position, string Message);

/// <summary>Result of validating a USCC: errors make it unusable; warnings are recorded but accepted.</summary>
public sealed record UsccValidationResult(string Input, IReadOnlyList<UsccProblem> Errors, IReadOnlyList<UsccProblem> Warnings, char? ExpectedCheckCharacter)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>All errors in one sentence, or empty.</summary>
    public string ErrorMessage => string.Join("; ", Errors.Select(e => e.Message));
}

/// <summary>
/// Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters; position 1 registering authority,
/// 2 organisation type, 3-8 administrative division, 9-17 subject identifier, 18 check character.
/// </summary>
public sealed record UnifiedSocialCreditCode
{
    /// <summary>The 31 characters of the code set (no I, O, S, V, Z), valued 0 to 30 in this order.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    private UnifiedSocialCreditCode(string value) => Value = value;

    /// <summary>The 18-character code.</summary>
    public string Value { get; }

    /// <summary>Position 1: registering authority code (登记管理部门代码).</summary>
    public char RegisteringAuthority => Value[0];

    /// <summary>Position 2: organisation type code (机构类别代码).</summary>
    public char OrganisationType => Value[1];

    /// <summary>Positions 3-8: administrative division code (登记管理机关行政区划码).</summary>
    public string AdministrativeDivision => Value.Substring(2, 6);

    /// <summary>Positions 9-17: subject identifier (主体标识码, organisation code).</summary>
    public string SubjectIdentifier => Value.Substring(8, 9);

    /// <summary>Position 18: check character (校验码).</summary>
    public char CheckCharacter => Value[17];

    public override string ToString() => Value;

    /// <summary>Computes the check character of the first 17 characters (all must be in the alphabet).</summary>
    public static char ComputeCheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17) throw new ArgumentException("Exactly 17 characters are needed.", nameof(first17));
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var v = Alphabet.IndexOf(first17[i]);
            if (v < 0) throw new ArgumentException($"'{first17[i]}' at position {i + 1} is not in the code set.", nameof(first17));
            sum += v * Weights[i];
        }
        var check = 31 - sum % 31;
        return Alphabet[check == 31 ? 0 : check];
    }

    /// <summary>Validates a code and reports every problem with its position.</summary>
    public static UsccValidationResult Validate(string? input, UsccValidationMode mode = UsccValidationMode.Strict)
    {
        var s = input ?? "";
        var errors = new List<UsccProblem>();
        var warnings = new List<UsccProblem>();
        if (s.Length != 18)
        {
            errors.Add(new(UsccProblemKind.Length, null, $"a unified social credit code has 18 characters; \"{s}\" has {s.Length}"));
            return new(s, errors, warnings, null);
        }
        for (var i = 0; i < 17; i++)
        {
            var c = s[i];
            var pos = i + 1;
            if (pos is >= 3 and <= 8)
            {
                if (c is < '0' or > '9')
                    errors.Add(new(UsccProblemKind.Character, pos, $"character '{c}' at position {pos} is invalid: positions 3-8 (administrative division) must be digits"));
            }
            else if (Alphabet.IndexOf(c) < 0)
                errors.Add(new(UsccProblemKind.Character, pos, $"character '{c}' at position {pos} is invalid: allowed are 0-9 and {Alphabet[10..]} (no I, O, S, V, Z{(char.IsLower(c) ? ", upper case only" : "")})"));
        }
        if (errors.Count > 0) return new(s, errors, warnings, null);

        var expected = ComputeCheckCharacter(s.AsSpan(0, 17));
        var actual = s[17];
        if (Alphabet.IndexOf(actual) < 0)
            errors.Add(new(UsccProblemKind.Character, 18, $"character '{actual}' at position 18 is invalid: it is not in the code set; the check character should be '{expected}'"));
        else if (actual != expected)
        {
            var problem = new UsccProblem(UsccProblemKind.CheckCharacter, 18, $"wrong check character '{actual}' at position 18: expected '{expected}'");
            (mode == UsccValidationMode.LegacyRecord ? warnings : errors).Add(problem);
        }
        return new(s, errors, warnings, expected);
    }

    /// <summary>Parses a valid code or throws <see cref="FormatException"/> with the exact problem.</summary>
    public static UnifiedSocialCreditCode Parse(string input, UsccValidationMode mode = UsccValidationMode.Strict)
    {
        var r = Validate(input, mode);
        return r.IsValid ? new UnifiedSocialCreditCode(input) : throw new FormatException($"Invalid unified social credit code: {r.ErrorMessage}");
    }

    /// <summary>Parses without throwing; <paramref name="result"/> carries the problems.</summary>
    public static bool TryParse(string? input, UsccValidationMode mode, out UnifiedSocialCreditCode? code, out UsccValidationResult result)
    {
        result = Validate(input, mode);
        code = result.IsValid ? new UnifiedSocialCreditCode(input!) : null;
        return code is not null;
    }
}
