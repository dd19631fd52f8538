using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ESignWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class DatabaseBlobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "BlobChunks",
                columns: table => new
                {
                    ContentId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    Bytes = table.Column<byte[]>(type: "BLOB", nullable: false),
                    WrittenAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BlobChunks", x => new { x.ContentId, x.Number });
                });

            migrationBuilder.CreateTable(
                name: "StoredBlobs",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ContentId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    ChunkBytes = table.Column<int>(type: "INTEGER", nullable: false),
                    StoredAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StoredBlobs", x => x.Key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_BlobChunks_WrittenAt",
                table: "BlobChunks",
                column: "WrittenAt");

            migrationBuilder.CreateIndex(
                name: "IX_StoredBlobs_ContentId",
                table: "StoredBlobs",
                column: "ContentId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BlobChunks");

            migrationBuilder.DropTable(
                name: "StoredBlobs");
        }
    }
}
