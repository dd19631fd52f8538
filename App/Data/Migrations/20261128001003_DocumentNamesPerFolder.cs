using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ESignWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class DocumentNamesPerFolder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Documents_OwnerId_Name",
                table: "Documents");

            migrationBuilder.CreateIndex(
                name: "IX_Documents_OwnerId_FolderId_Name",
                table: "Documents",
                columns: new[] { "OwnerId", "FolderId", "Name" });

            // The rule itself: a live document's name is unique in its folder, the root (FolderId NULL) included — a
            // plain (OwnerId, FolderId, Name) unique index would let two root documents share a name (NULLs are
            // distinct). Name keeps its column's NOCASE collation. COALESCE in an index works on PostgreSQL too.
            migrationBuilder.Sql(
                """
                CREATE UNIQUE INDEX "UX_Documents_OwnerId_Folder_Name"
                    ON "Documents" ("OwnerId", COALESCE("FolderId", 0), "Name") WHERE "DeletedAt" IS NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Going back fails while two live documents of one owner share a name in different folders (rename one first).
            migrationBuilder.Sql("""DROP INDEX "UX_Documents_OwnerId_Folder_Name";""");

            migrationBuilder.DropIndex(
                name: "IX_Documents_OwnerId_FolderId_Name",
                table: "Documents");

            migrationBuilder.CreateIndex(
                name: "IX_Documents_OwnerId_Name",
                table: "Documents",
                columns: new[] { "OwnerId", "Name" },
                unique: true,
                filter: "DeletedAt IS NULL");
        }
    }
}
