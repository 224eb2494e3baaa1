using Orchestrator.Orchestrations.Identifiers;

namespace Orchestrator.Orchestrations.Tests.Identifiers;

public class UnifiedSocialCreditCodeTests
{
    [Theory]
    [InlineData("91350100M000100Y43")] // the standard's worked example
    [InlineData("914403001922038216")]
    [InlineData("9144030071526726XG")]
    [InlineData("91330100799655058B")]
    public void A_code_with_the_right_check_character_is_valid(string code) =>
        Assert.True(UnifiedSocialCreditCode.Validate(code).IsValid);

    [Fact]
    public void The_check_character_is_31_minus_the_weighted_sum_mod_31() =>
        Assert.Equal('3', UnifiedSocialCreditCode.ComputeCheckCharacter("91350100M000100Y4"));

    [Fact]
    public void A_character_outside_the_code_set_in_the_check_position_is_an_error_naming_the_expected_one()
    {
        var r = UnifiedSocialCreditCode.Validate("91350100M000100Y4Z");

        var e = Assert.Single(r.Errors);
        Assert.Equal(18, e.Position);
        Assert.Equal("character 'Z' at position 18 is invalid: it is not in the code set; the check character should be '3'", e.Message);
    }

    [Fact]
    public void A_wrong_check_character_is_an_error_for_a_new_enterprise()
    {
        var r = UnifiedSocialCreditCode.Validate("91350100M000100Y44");

        var e = Assert.Single(r.Errors);
        Assert.Equal(UsccProblemKind.CheckCharacter, e.Kind);
        Assert.Equal("wrong check character '4' at position 18: expected '3'", e.Message);
        Assert.Equal('3', r.ExpectedCheckCharacter);
    }

    [Fact]
    public void A_wrong_check_character_is_only_a_warning_on_an_imported_legacy_record()
    {
        var r = UnifiedSocialCreditCode.Validate("91350100M000100Y44", UsccValidationMode.LegacyRecord);

        Assert.True(r.IsValid);
        Assert.Equal(UsccProblemKind.CheckCharacter, Assert.Single(r.Warnings).Kind);
    }

    [Fact]
    public void A_legacy_record_still_fails_on_bad_characters() =>
        Assert.False(UnifiedSocialCreditCode.Validate("91350100M0001O0Y43", UsccValidationMode.LegacyRecord).IsValid);

    [Theory]
    [InlineData("91350100M000100Y4", 17)]
    [InlineData("91350100M000100Y431", 19)]
    [InlineData("", 0)]
    public void A_code_must_have_18_characters(string code, int length)
    {
        var e = Assert.Single(UnifiedSocialCreditCode.Validate(code).Errors);
        Assert.Equal(UsccProblemKind.Length, e.Kind);
        Assert.Contains($"has {length}", e.Message);
    }

    [Fact]
    public void A_letter_not_in_the_code_set_is_named_with_its_position()
    {
        var e = Assert.Single(UnifiedSocialCreditCode.Validate("91350100M0001O0Y43").Errors);
        Assert.Equal(14, e.Position);
        Assert.StartsWith("character 'O' at position 14 is invalid", e.Message);
    }

    [Fact]
    public void The_administrative_division_must_be_digits()
    {
        var e = Assert.Single(UnifiedSocialCreditCode.Validate("9135A100M000100Y43").Errors);
        Assert.Equal(5, e.Position);
        Assert.Contains("positions 3-8", e.Message);
    }

    [Fact]
    public void Lower_case_letters_are_invalid() =>
        Assert.Contains("upper case", UnifiedSocialCreditCode.Validate("91350100m000100Y43").ErrorMessage);

    [Fact]
    public void A_valid_code_exposes_its_segments()
    {
        var c = UnifiedSocialCreditCode.Parse("91350100M000100Y43");

        Assert.Equal('9', c.RegisteringAuthority);
        Assert.Equal('1', c.OrganisationType);
        Assert.Equal("350100", c.AdministrativeDivision);
        Assert.Equal("M000100Y4", c.SubjectIdentifier);
        Assert.Equal('3', c.CheckCharacter);
    }

    [Fact]
    public void Parsing_an_invalid_code_throws_with_the_exact_problem() =>
        Assert.Contains("expected '3'", Assert.Throws<FormatException>(() => UnifiedSocialCreditCode.Parse("91350100M000100Y44")).Message);
}
