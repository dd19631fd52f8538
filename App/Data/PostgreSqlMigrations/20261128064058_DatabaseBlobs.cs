using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ESignWeb.Data.PostgreSqlMigrations
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
                    ContentId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    Bytes = table.Column<byte[]>(type: "bytea", nullable: false),
                    WrittenAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BlobChunks", x => new { x.ContentId, x.Number });
                });

            migrationBuilder.CreateTable(
                name: "StoredBlobs",
                columns: table => new
                {
                    Key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ContentId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Length = table.Column<long>(type: "bigint", nullable: false),
                    ChunkBytes = table.Column<int>(type: "integer", nullable: false),
                    StoredAt = table.Column<long>(type: "bigint", nullable: false)
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
