using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StatelessApp.Web.Accounts;

namespace StatelessApp.Web.Pages.Account;

/// <summary>
/// A form of an email and a password (register, sign in). Only their bounds are checked here; what makes them usable
/// (an email's shape, the password rules) is Identity's to say at registration, and nobody's to say at sign-in.
/// </summary>
public abstract class CredentialsPageModel : PageModel
{
    [BindProperty]
    [Required]
    [StringLength(256)]
    [Display(Name = "Email")]
    public string Email { get; set; } = "";

    [BindProperty]
    [Required]
    [DataType(DataType.Password)]
    [StringLength(AccountsExtensions.MaxPasswordLength)]
    [Display(Name = "Password")]
    public string Password { get; set; } = "";
}
