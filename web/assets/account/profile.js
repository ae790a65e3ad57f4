// Profile: name and language (the language switches these pages and the mails), change the
// password, delete the account (with the password; the page says what happens to requests).
import {
  FormErrors,
  adoptLanguage,
  announce,
  api,
  detail,
  flash,
  generalProblem,
  passwordProblem,
  requireSession,
  serverPasswordProblem,
  setText,
  startPage,
} from "./common.js";

const session = await requireSession();
if (session) {
  const details = document.getElementById("details-form");
  const password = document.getElementById("password-form");
  const removal = document.getElementById("delete-form");
  const detailErrors = new FormErrors(details);
  const passwordErrors = new FormErrors(password);
  const removalErrors = new FormErrors(removal);

  function showRegistrar(registrar) {
    const name = `${registrar.first_name} ${registrar.last_name}`;
    setText(document.getElementById("signed-in"), "profile.signedIn", {
      name,
      email: registrar.email,
    });
  }

  showRegistrar(session.registrar);
  details.first_name.value = session.registrar.first_name;
  details.last_name.value = session.registrar.last_name;
  details.language.value = session.registrar.language;

  details.addEventListener("submit", async (event) => {
    event.preventDefault();
    detailErrors.clear();
    if (!details.first_name.value.trim()) detailErrors.add("first_name", "err.firstName.missing");
    if (!details.last_name.value.trim()) detailErrors.add("last_name", "err.lastName.missing");
    if (!detailErrors.show()) return;
    const result = await api("auth/me", {
      method: "PATCH",
      body: {
        first_name: details.first_name.value.trim(),
        last_name: details.last_name.value.trim(),
        language: details.language.value,
      },
    });
    if (result.status === 200) {
      adoptLanguage(result.data);
      showRegistrar(result.data);
      announce("profile.saved");
    } else if (result.status === 422) {
      for (const name of ["first_name", "last_name"]) {
        if (detail(result).includes(`${name}:`)) detailErrors.add(name, "err.name.invalid");
      }
      if (detailErrors.show()) detailErrors.showGeneral("err.server");
    } else {
      detailErrors.showGeneral(generalProblem(result));
    }
  });

  password.addEventListener("submit", async (event) => {
    event.preventDefault();
    passwordErrors.clear();
    if (!password.current_password.value) {
      passwordErrors.add("current_password", "err.password.missing");
    }
    const problem = passwordProblem(password.new_password.value);
    if (problem) passwordErrors.add("new_password", problem);
    if (!passwordErrors.show()) return;
    const result = await api("auth/me/password", {
      method: "POST",
      body: {
        current_password: password.current_password.value,
        new_password: password.new_password.value,
      },
    });
    if (result.status === 200) {
      password.reset();
      announce("password.changed");
    } else if (result.status === 422 && detail(result).includes("current password")) {
      passwordErrors.add("current_password", "err.currentPassword.wrong");
      passwordErrors.show();
    } else if (result.status === 422) {
      passwordErrors.add("new_password", serverPasswordProblem(detail(result)));
      passwordErrors.show();
    } else {
      passwordErrors.showGeneral(generalProblem(result));
    }
  });

  removal.addEventListener("submit", async (event) => {
    event.preventDefault();
    removalErrors.clear();
    if (!removal.password.value) removalErrors.add("password", "err.password.missing");
    if (!removalErrors.show()) return;
    const result = await api("auth/me", {
      method: "DELETE",
      body: { password: removal.password.value },
    });
    if (result.status === 204) {
      flash("login.deleted");
      location.assign("/account/login");
    } else if (result.status === 422) {
      removalErrors.add("password", "err.password.wrong");
      removalErrors.show();
    } else {
      removalErrors.showGeneral(generalProblem(result));
    }
  });

  await startPage({ session });
}
