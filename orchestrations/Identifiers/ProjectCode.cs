using System.Text.RegularExpressions;

namespace Orchestrator.Orchestrations.Identifiers;

/// <summary>Which generation of the investment project code.</summary>
public enum ProjectCodeFormat
{
    /// <summary>Since 2020-11 (GB/T 40058-2021): <c>YYMM-RRRRRR-DD-TT-NNNNNN</c>, 5 random digits and a check digit.</summary>
    Current,
    /// <summary>Before 2020-11: <c>YYYY-RRRRRR-II-TT-NNNNNN</c>, year 2015-2020, type 01/02/03.</summary>
    Legacy,
}

/// <summary>How a legacy-code project was established (old code type segment).</summary>
public enum LegacyProjectType
{
    /// <summary>01 审批 (government investment approval).</summary>
    Approval = 1,
    /// <summary>02 核准 (ratification).</summary>
    Ratification = 2,
    /// <summary>03 备案 (filing).</summary>
    Filing = 3,
}

/// <summary>
/// National investment project code (投资项目代码), parsed into its segments. Both formats match
/// <c>\d{4}-\d{6}-\d{2}-\d{2}-\d{6}</c>; a first segment from 2015 to 2020 is an old-style year.
/// </summary>
/// <remarks>The current format's check digit is exposed but not verified: its algorithm is not in the domain facts.</remarks>
public sealed record ProjectCode
{
    private static readonly Regex Shape = new(@"^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$", RegexOptions.CultureInvariant);

    private ProjectCode() { }

    /// <summary>The 24-character code as given.</summary>
    public required string Value { get; init; }
    public required ProjectCodeFormat Format { get; init; }
    /// <summary>Year the code was assigned (YY → 20YY for the current format).</summary>
    public required int Year { get; init; }
    /// <summary>Month (current format only).</summary>
    public int? Month { get; init; }
    /// <summary>Segment 2: administrative division code (行政区划代码), 6 digits.</summary>
    public required string AdministrativeDivision { get; init; }
    /// <summary>Segment 3: guiding-department code (中央业务指导部门代码; old format: industry code).</summary>
    public required string DepartmentCode { get; init; }
    /// <summary>Segment 4: project type code (项目类型代码).</summary>
    public required string ProjectTypeCode { get; init; }
    /// <summary>Old format: the establishment type (01 approval, 02 ratification, 03 filing).</summary>
    public LegacyProjectType? LegacyType { get; init; }
    /// <summary>Segment 5: serial part (current: 5 random digits; legacy: 6-digit serial).</summary>
    public required string SerialNumber { get; init; }
    /// <summary>Current format: the check digit (last character).</summary>
    public char? CheckDigit { get; init; }

    public override string ToString() => Value;

    /// <summary>Parses a code or throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static ProjectCode Parse(string? input) =>
        TryParse(input, out var code, out var error) ? code! : throw new FormatException($"Invalid investment project code: {error}");

    /// <summary>Parses without throwing; <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? input, out ProjectCode? code, out string? error)
    {
        code = null;
        var s = input ?? "";
        if (!Shape.IsMatch(s))
        {
            error = $"\"{s}\" does not have the form 0000-000000-00-00-000000 (24 characters: 4 digits, 6, 2, 2 and 6, separated by '-')";
            return false;
        }
        var parts = s.Split('-');
        var first = int.Parse(parts[0]);
        if (first is >= 2015 and <= 2020)
        {
            var type = int.Parse(parts[3]);
            if (type is < 1 or > 3)
            {
                error = $"\"{s}\" is an old-format code (year {first}) whose type segment \"{parts[3]}\" is not 01 (approval), 02 (ratification) or 03 (filing)";
                return false;
            }
            code = new ProjectCode
            {
                Value = s, Format = ProjectCodeFormat.Legacy, Year = first, AdministrativeDivision = parts[1],
                DepartmentCode = parts[2], ProjectTypeCode = parts[3], LegacyType = (LegacyProjectType)type, SerialNumber = parts[4],
            };
            error = null;
            return true;
        }
        var yy = first / 100;
        var mm = first % 100;
        if (mm is < 1 or > 12)
        {
            error = $"\"{s}\": the time code \"{parts[0]}\" is neither an old-format year (2015-2020) nor a YYMM with month 01-12";
            return false;
        }
        if (first < 2011)
        {
            error = $"\"{s}\": the time code \"{parts[0]}\" would be {2000 + yy}-{mm:00}, before current-format codes began (2020-11)";
            return false;
        }
        code = new ProjectCode
        {
            Value = s, Format = ProjectCodeFormat.Current, Year = 2000 + yy, Month = mm, AdministrativeDivision = parts[1],
            DepartmentCode = parts[2], ProjectTypeCode = parts[3], SerialNumber = parts[4][..5], CheckDigit = parts[4][5],
        };
        error = null;
        return true;
    }
}
