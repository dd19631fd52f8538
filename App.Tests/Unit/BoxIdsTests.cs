using ESignWeb.Api.Box;

namespace ESignWeb.Tests.Unit;

public class BoxIdsTests
{
    [Theory]
    [InlineData(BoxFileKind.Document, 1, "11")]
    [InlineData(BoxFileKind.SignedFile, 7, "72")]
    [InlineData(BoxFileKind.AuditTrail, 123, "1233")]
    [InlineData(BoxFileKind.SignCopy, int.MaxValue, "21474836474")]
    public void File_ids_round_trip(BoxFileKind kind, int row, string wire)
    {
        Assert.Equal(wire, BoxIds.File(kind, row));
        Assert.Equal((kind, row), BoxIds.ParseFile(wire));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("5")]
    [InlineData("10")] // kind digit 0
    [InlineData("19")] // unknown kind
    [InlineData("-11")]
    [InlineData("+11")]
    [InlineData(" 11")]
    [InlineData("1e3")]
    [InlineData("99999999999999999999999")]
    [InlineData("214748364801")] // row past int
    public void Anything_else_is_no_file_id(string? wire) => Assert.Null(BoxIds.ParseFile(wire));

    [Fact]
    public void Folder_zero_is_the_root_and_junk_is_refused()
    {
        Assert.True(BoxIds.TryParseFolder("0", out var root));
        Assert.Null(root);
        Assert.True(BoxIds.TryParseFolder("42", out var f));
        Assert.Equal(42, f);
        Assert.False(BoxIds.TryParseFolder("-1", out _));
        Assert.False(BoxIds.TryParseFolder("abc", out _));
        Assert.Equal("0", BoxIds.Folder(null));
        Assert.Equal("42", BoxIds.Folder(42));
        Assert.Null(BoxIds.ParseSignRequest("0"));
        Assert.Equal(9, BoxIds.ParseSignRequest("9"));
    }
}
