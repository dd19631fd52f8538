using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ESignWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class SignedFileHashIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_SignedFiles_AuditTrailBlobKey",
                table: "SignedFiles",
                column: "AuditTrailBlobKey");

            migrationBuilder.CreateIndex(
                name: "IX_SignedFiles_Checksum",
                table: "SignedFiles",
                column: "Checksum");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SignedFiles_AuditTrailBlobKey",
                table: "SignedFiles");

            migrationBuilder.DropIndex(
                name: "IX_SignedFiles_Checksum",
                table: "SignedFiles");
        }
    }
}
