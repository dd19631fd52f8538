using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ESignWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class RequestOptions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Kind",
                table: "TemplateRoles",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "FolderId",
                table: "SignedFiles",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "AutoExpireAt",
                table: "Requests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "DaysValid",
                table: "Requests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeclinedRedirectUrl",
                table: "Requests",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DownloadedAt",
                table: "Requests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EmailSubject",
                table: "Requests",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ExternalId",
                table: "Requests",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "FolderId",
                table: "Requests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "PhoneVerificationRequired",
                table: "Requests",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "PreparationNeeded",
                table: "Requests",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "RedirectUrl",
                table: "Requests",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RemindersEnabled",
                table: "Requests",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "SignatureColor",
                table: "Requests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "TextSignaturesEnabled",
                table: "Requests",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<string>(
                name: "DeclinedRedirectUrl",
                table: "Recipients",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EmbedUrlExternalUserId",
                table: "Recipients",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "IsInPerson",
                table: "Recipients",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "LoginRequired",
                table: "Recipients",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "PasswordFailures",
                table: "Recipients",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "PasswordHash",
                table: "Recipients",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PhoneCodeExpiresAt",
                table: "Recipients",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PhoneCodeFailures",
                table: "Recipients",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "PhoneCodeHash",
                table: "Recipients",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RedirectUrl",
                table: "Recipients",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Role",
                table: "Recipients",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "VerificationPhone",
                table: "Recipients",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DocumentTagId",
                table: "Fields",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "FolderId",
                table: "Documents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Folders",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OwnerId = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false, collation: "NOCASE"),
                    ParentId = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ModifiedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Folders", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Folders_AspNetUsers_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Folders_Folders_ParentId",
                        column: x => x.ParentId,
                        principalTable: "Folders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SignedFiles_FolderId",
                table: "SignedFiles",
                column: "FolderId");

            migrationBuilder.CreateIndex(
                name: "IX_Requests_FolderId",
                table: "Requests",
                column: "FolderId");

            migrationBuilder.CreateIndex(
                name: "IX_Requests_OwnerId_ExternalId",
                table: "Requests",
                columns: new[] { "OwnerId", "ExternalId" });

            migrationBuilder.CreateIndex(
                name: "IX_Documents_FolderId",
                table: "Documents",
                column: "FolderId");

            migrationBuilder.CreateIndex(
                name: "IX_Folders_OwnerId_ParentId_Name",
                table: "Folders",
                columns: new[] { "OwnerId", "ParentId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Folders_ParentId",
                table: "Folders",
                column: "ParentId");

            migrationBuilder.AddForeignKey(
                name: "FK_Documents_Folders_FolderId",
                table: "Documents",
                column: "FolderId",
                principalTable: "Folders",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Requests_Folders_FolderId",
                table: "Requests",
                column: "FolderId",
                principalTable: "Folders",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "FK_SignedFiles_Folders_FolderId",
                table: "SignedFiles",
                column: "FolderId",
                principalTable: "Folders",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Documents_Folders_FolderId",
                table: "Documents");

            migrationBuilder.DropForeignKey(
                name: "FK_Requests_Folders_FolderId",
                table: "Requests");

            migrationBuilder.DropForeignKey(
                name: "FK_SignedFiles_Folders_FolderId",
                table: "SignedFiles");

            migrationBuilder.DropTable(
                name: "Folders");

            migrationBuilder.DropIndex(
                name: "IX_SignedFiles_FolderId",
                table: "SignedFiles");

            migrationBuilder.DropIndex(
                name: "IX_Requests_FolderId",
                table: "Requests");

            migrationBuilder.DropIndex(
                name: "IX_Requests_OwnerId_ExternalId",
                table: "Requests");

            migrationBuilder.DropIndex(
                name: "IX_Documents_FolderId",
                table: "Documents");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "TemplateRoles");

            migrationBuilder.DropColumn(
                name: "FolderId",
                table: "SignedFiles");

            migrationBuilder.DropColumn(
                name: "AutoExpireAt",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "DaysValid",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "DeclinedRedirectUrl",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "DownloadedAt",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "EmailSubject",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "ExternalId",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "FolderId",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "PhoneVerificationRequired",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "PreparationNeeded",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "RedirectUrl",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "RemindersEnabled",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "SignatureColor",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "TextSignaturesEnabled",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "DeclinedRedirectUrl",
                table: "Recipients");

            migrationBuilder.DropColumn(
                name: "EmbedUrlExternalUserId",
                table: "Recipients");

            migrationBuilder.DropColumn(
                name: "IsInPerson",
                table: "Recipients");

            migrationBuilder.DropColumn(
                name: "LoginRequired",
                table: "Recipients");

            migrationBuilder.DropColumn(
                name: "PasswordFailures",
                table: "Recipients");

            migrationBuilder.DropColumn(
                name: "PasswordHash",
                table: "Recipients");

            migrationBuilder.DropColumn(
                name: "PhoneCodeExpiresAt",
                table: "Recipients");

            migrationBuilder.DropColumn(
                name: "PhoneCodeFailures",
                table: "Recipients");

            migrationBuilder.DropColumn(
                name: "PhoneCodeHash",
                table: "Recipients");

            migrationBuilder.DropColumn(
                name: "RedirectUrl",
                table: "Recipients");

            migrationBuilder.DropColumn(
                name: "Role",
                table: "Recipients");

            migrationBuilder.DropColumn(
                name: "VerificationPhone",
                table: "Recipients");

            migrationBuilder.DropColumn(
                name: "DocumentTagId",
                table: "Fields");

            migrationBuilder.DropColumn(
                name: "FolderId",
                table: "Documents");
        }
    }
}
