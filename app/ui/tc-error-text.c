/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "tc-error-text"

#include "config.h"

#include "tc-error-text.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <gst/gst.h>

#include "tc-consultation.h"
#include "tc-protocol.h"

static void
set (TcErrorText   *out,
     const char    *title,
     const char    *what_to_do,
     const char    *action_label,
     TcErrorAction  action)
{
  out->title = title;
  out->what_to_do = what_to_do;
  out->action_label = action_label;
  out->action = action;
  out->show_message = FALSE;
}

void
tc_error_text_describe (const GError *error,
                        TcErrorText  *out)
{
  g_return_if_fail (out != NULL);

  if (error != NULL && error->domain == TC_PROTOCOL_ERROR)
    switch (error->code)
      {
      case TC_PROTOCOL_ERROR_EXPIRED_TOKEN:
      case TC_PROTOCOL_ERROR_INVALID_TOKEN:
        set (out, _("This Invitation No Longer Works"),
             _("It has expired or was replaced. Ask your doctor's office for a new link or code."),
             _("_Enter a New Invitation"), TC_ERROR_ACTION_NEW_INVITE);
        return;
      case TC_PROTOCOL_ERROR_CONSULTATION_ENDED:
      case TC_PROTOCOL_ERROR_NO_CONSULTATION:
        set (out, _("This Consultation Has Ended"),
             _("Your doctor has closed it. If you still need to talk, ask for a new invitation."),
             _("_Enter a New Invitation"), TC_ERROR_ACTION_NEW_INVITE);
        return;
      case TC_PROTOCOL_ERROR_BAD_CREDENTIALS:
        set (out, _("Wrong Username or Password"),
             _("Check your username and password, then sign in again."),
             _("_Sign In Again"), TC_ERROR_ACTION_SIGN_IN);
        return;
      case TC_PROTOCOL_ERROR_UNSUPPORTED_VERSION:
        set (out, _("Teleconsult Needs an Update"),
             _("The server uses a newer version of Teleconsult. Install the latest version, then try again."),
             _("_Try Again"), TC_ERROR_ACTION_RETRY);
        return;
      default:
        break;
      }

  if (error != NULL && error->domain == TC_CONSULTATION_ERROR &&
      error->code == TC_CONSULTATION_ERROR_BAD_INVITATION)
    {
      set (out, _("This Link or Code Cannot Be Read"),
           _("Check that you copied all of the link, or type the code again exactly as you received it."),
           _("_Enter the Invitation Again"), TC_ERROR_ACTION_NEW_INVITE);
      return;
    }

  if (error != NULL && error->domain == GST_RESOURCE_ERROR)
    {
      if (error->code == GST_RESOURCE_ERROR_BUSY)
        set (out, _("The Camera Is Busy"),
             _("Another program is using your camera or microphone. Close that program, then try again."),
             _("_Try Again"), TC_ERROR_ACTION_RETRY);
      else if (error->code == GST_RESOURCE_ERROR_NOT_AUTHORIZED)
        set (out, _("Camera or Microphone Not Allowed"),
             _("Allow Teleconsult to use the camera and microphone in your computer's privacy settings, then try again."),
             _("_Try Again"), TC_ERROR_ACTION_RETRY);
      else
        set (out, _("The Camera or Microphone Does Not Work"),
             _("Unplug it and plug it in again, then try again."),
             _("_Try Again"), TC_ERROR_ACTION_RETRY);
      return;
    }

  if (error != NULL && error->domain == G_IO_ERROR && error->code != G_IO_ERROR_FAILED)
    {
      set (out, _("The Consultation Cannot Be Reached"),
           _("Check that your computer is connected to the internet, or to the same network as your doctor, then try again. If it still does not work, call your doctor's office."),
           _("_Try Again"), TC_ERROR_ACTION_RETRY);
      return;
    }

  if (error != NULL && g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
    {
      set (out, _("The Consultation Cannot Be Reached"),
           _("The server's address was not found. Check the address, or that your computer is connected to the internet."),
           _("_Try Again"), TC_ERROR_ACTION_RETRY);
      return;
    }

  set (out, _("Something Went Wrong"),
       _("The consultation stopped unexpectedly. Try again; if it happens again, call your doctor's office."),
       _("_Try Again"), TC_ERROR_ACTION_RETRY);
  out->show_message = error != NULL;
}
