using Orchestrator.Orchestrations.Identifiers;

namespace Orchestrator.Orchestrations.Tests.Identifiers;

public class ProjectCodeTests
{
    [Fact]
    public void A_current_code_splits_into_time_division_department_type_random_and_check_digit()
    {
        var c = ProjectCode.Parse("2603-141124-89-05-346948");

        Assert.Equal(ProjectCodeFormat.Current, c.Format);
        Assert.Equal(2026, c.Year);
        Assert.Equal(3, c.Month);
        Assert.Equal("141124", c.AdministrativeDivision);
        Assert.Equal("89", c.DepartmentCode);
        Assert.Equal("05", c.ProjectTypeCode);
        Assert.Equal("34694", c.SerialNumber);
        Assert.Equal('8', c.CheckDigit);
        Assert.Null(c.LegacyType);
    }

    [Fact]
    public void A_first_segment_from_2015_to_2020_is_an_old_style_year()
    {
        var c = ProjectCode.Parse("2020-451421-88-03-016343");

        Assert.Equal(ProjectCodeFormat.Legacy, c.Format);
        Assert.Equal(2020, c.Year);
        Assert.Null(c.Month);
        Assert.Equal("451421", c.AdministrativeDivision);
        Assert.Equal("88", c.DepartmentCode);
        Assert.Equal(LegacyProjectType.Filing, c.LegacyType);
        Assert.Equal("016343", c.SerialNumber);
        Assert.Null(c.CheckDigit);
    }

    [Theory]
    [InlineData("2016-110000-01-01-000001", LegacyProjectType.Approval)]
    [InlineData("2018-110000-01-02-000001", LegacyProjectType.Ratification)]
    public void An_old_style_type_is_01_approval_02_ratification_or_03_filing(string code, LegacyProjectType type) =>
        Assert.Equal(type, ProjectCode.Parse(code).LegacyType);

    [Fact]
    public void An_old_style_code_with_another_type_is_rejected() =>
        Assert.Contains("not 01 (approval), 02 (ratification) or 03 (filing)", Assert.Throws<FormatException>(() => ProjectCode.Parse("2019-451421-88-04-016343")).Message);

    [Fact]
    public void November_2020_is_the_first_current_format_month() =>
        Assert.Equal((2020, 11), (ProjectCode.Parse("2011-110000-01-01-000001").Year, ProjectCode.Parse("2011-110000-01-01-000001").Month!.Value));

    [Theory]
    [InlineData("2613-141124-89-05-346948", "month 01-12")]
    [InlineData("2600-141124-89-05-346948", "month 01-12")]
    [InlineData("2010-141124-89-05-346948", "before current-format codes began")]
    [InlineData("2603141124-89-05-346948", "does not have the form")]
    [InlineData("2603-141124-89-05-34694", "does not have the form")]
    [InlineData("2603-14112A-89-05-346948", "does not have the form")]
    [InlineData("", "does not have the form")]
    public void Anything_else_is_rejected_with_a_clear_error(string code, string expected)
    {
        Assert.False(ProjectCode.TryParse(code, out _, out var error));
        Assert.Contains(expected, error);
    }
}
