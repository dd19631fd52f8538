using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ESignWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class Signing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "LastRemindedAt",
                table: "Requests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LinkBaseUrl",
                table: "Requests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VoidMessage",
                table: "Requests",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ConsentedAt",
                table: "Recipients",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "AddedBySigner",
                table: "Fields",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "ValueSource",
                table: "Fields",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "SignedFiles",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OwnerId = table.Column<string>(type: "TEXT", nullable: false),
                    RequestId = table.Column<int>(type: "INTEGER", nullable: true),
                    DocumentId = table.Column<int>(type: "INTEGER", nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    BlobKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Checksum = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OriginalChecksum = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PublicIdentifier = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AuditTrailBlobKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ModifiedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DeletedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignedFiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SignedFiles_AspNetUsers_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SignedFiles_OwnerId",
                table: "SignedFiles",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_SignedFiles_PublicIdentifier",
                table: "SignedFiles",
                column: "PublicIdentifier",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SignedFiles_RequestId",
                table: "SignedFiles",
                column: "RequestId",
                unique: true,
                filter: "RequestId IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SignedFiles");

            migrationBuilder.DropColumn(
                name: "LastRemindedAt",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "LinkBaseUrl",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "VoidMessage",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "ConsentedAt",
                table: "Recipients");

            migrationBuilder.DropColumn(
                name: "AddedBySigner",
                table: "Fields");

            migrationBuilder.DropColumn(
                name: "ValueSource",
                table: "Fields");
        }
    }
}
