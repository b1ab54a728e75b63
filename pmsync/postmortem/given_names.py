"""Common given names: a word here, in a blaming phrase, most likely names a person.

The first names that the 1990 United States census found for at least 0.01% of men or of
women (1,555 names; the census name lists are public domain). English-speaking names
dominate; people whose names are missing are recognised through the config's ``people:``
map, an @handle, or a role word instead.
"""

from __future__ import annotations

_NAMES = """
Aaron Abby Abel Abigail Abraham Ada Adam Addie Adela Adele Adeline Adolfo Adolph Adrian Adriana
Adrienne Agnes Agustin Aida Aileen Aimee Al Alan Alana Albert Alberta Alberto Alejandra
Alejandro Alex Alexander Alexandra Alexandria Alexis Alfonso Alfred Alfredo Ali Alice Alicia
Aline Alisa Alisha Alison Alissa Allan Allen Allie Allison Allyson Alma Alonzo Alphonso Alta
Althea Alton Alvaro Alvin Alyce Alyssa Amalia Amanda Amber Amelia Amie Amos Amy Ana Anastasia
Andre Andrea Andres Andrew Andy Angel Angela Angelia Angelica Angelina Angeline Angelo Angie
Anita Ann Anna Annabelle Anne Annette Annie Anthony Antoine Antoinette Anton Antonia Antonio
April Araceli Archie Arlene Arline Armand Armando Arnold Arthur Arturo Ashlee Ashley Aubrey
Audra Audrey August Augusta Aurelia Aurora Austin Autumn Ava Avery Avis Barbara Barbra Barry
Bart Basil Beatrice Beatriz Becky Belinda Ben Benita Benito Benjamin Bennie Benny Bernadette
Bernadine Bernard Bernardo Bernice Bert Berta Bertha Bessie Beth Bethany Betsy Bette Bettie
Betty Bettye Beulah Beverly Bianca Bill Billie Billy Blaine Blake Blanca Blanche Bob Bobbi
Bobbie Bobby Bonita Bonnie Boyd Brad Bradford Bradley Brady Brain Brandi Brandon Brandy Brenda
Brendan Brent Bret Brett Brian Briana Brianna Bridget Bridgette Brittany Brittney Brooke Bruce
Bruno Bryan Bryant Bryce Bryon Buddy Burton Byron Caitlin Caleb Callie Calvin Cameron Camille
Candace Candice Candy Cara Carey Carl Carla Carlene Carlos Carlton Carly Carmela Carmella Carmen
Carol Carole Carolina Caroline Carolyn Carrie Carroll Cary Casey Cassandra Cassie Catalina
Catherine Cathleen Cathy Cecelia Cecil Cecile Cecilia Cedric Celeste Celia Cesar Chad Chandra
Charity Charlene Charles Charlie Charlotte Charmaine Chase Chasity Chelsea Cheri Cherie Cheryl
Chester Chris Christa Christi Christian Christie Christina Christine Christopher Christy
Chrystal Chuck Cindy Claire Clara Clare Clarence Clarice Clarissa Clark Claude Claudette Claudia
Claudine Clay Clayton Clement Cleo Cleveland Cliff Clifford Clifton Clint Clinton Clyde Cody
Cole Colette Colin Colleen Concepcion Connie Conrad Constance Consuelo Cora Corey Corina Corine
Corinne Cornelia Cornelius Corrine Cory Courtney Coy Craig Cristina Crystal Curt Curtis Cynthia
Daisy Dale Dallas Damian Damien Damon Dan Dana Dane Daniel Danielle Danny Dante Daphne Darcy
Darin Darius Darla Darlene Darnell Darrel Darrell Darren Darrin Darryl Darwin Daryl Dave David
Davis Dawn Dean Deana Deanna Deanne Debbie Debora Deborah Debra Dee Deena Deidre Deirdre Delbert
Delia Della Delores Deloris Demetrius Dena Denis Denise Dennis Denny Derek Derick Derrick
Desiree Desmond Devin Devon Dewayne Dewey Dexter Diana Diane Dianna Dianne Diego Dina Dion Dixie
Dollie Dolly Dolores Domingo Dominic Dominick Dominique Don Dona Donald Donna Donnell Donnie
Donovan Dora Doreen Doris Dorothea Dorothy Dorthy Doug Douglas Doyle Drew Duane Dustin Dwayne
Dwight Dylan Earl Earlene Earline Earnest Earnestine Ebony Ed Eddie Eddy Edgar Edith Edmond
Edmund Edna Eduardo Edward Edwin Edwina Effie Efrain Eileen Elaine Elbert Eldon Eleanor Elena
Eli Elias Elijah Elinor Elisa Elisabeth Elise Eliza Elizabeth Ella Ellen Elliot Elliott Ellis
Elma Elmer Elnora Eloise Elsa Elsie Elton Elva Elvia Elvin Elvira Elvis Elwood Emanuel Emery
Emil Emilia Emilio Emily Emma Emmanuel Emmett Enrique Eric Erica Erick Ericka Erik Erika Erin
Erma Ernest Ernestine Ernesto Ernie Ervin Erwin Esmeralda Esperanza Essie Esteban Estela Estella
Estelle Ester Esther Ethan Ethel Etta Eugene Eugenia Eula Eunice Eva Evan Evangeline Eve Evelyn
Everett Fabian Faith Fannie Fay Faye Federico Felicia Felipe Felix Fern Fernando Fidel Flora
Florence Flossie Floyd Forrest Fran Frances Francine Francis Francisca Francisco Frank Frankie
Franklin Fred Freda Freddie Freddy Frederick Fredrick Frieda Gabriel Gabriela Gabrielle Gail
Gale Garland Garrett Garry Gary Gavin Gay Gayle Gena Gene Geneva Genevieve Geoffrey George
Georgette Georgia Georgina Gerald Geraldine Gerard Gerardo Gerry Gertrude Gilbert Gilberto Gina
Ginger Gladys Glen Glenda Glenn Glenna Gloria Goldie Gonzalo Gordon Grace Gracie Graciela Grady
Graham Grant Greg Gregg Gregorio Gregory Greta Gretchen Grover Guadalupe Guillermo Gus Gustavo
Guy Gwen Gwendolyn Hal Haley Hannah Hans Harlan Harley Harold Harriet Harriett Harrison Harry
Harvey Hattie Hazel Heath Heather Hector Heidi Helen Helena Helene Henrietta Henry Herbert
Heriberto Herman Hilary Hilda Hillary Hiram Holly Homer Hope Horace Howard Hubert Hugh Hugo
Humberto Ian Ida Ignacio Ila Ilene Imelda Imogene Ina Inez Ingrid Ira Irene Iris Irma Irvin
Irving Isaac Isabel Isabelle Isaiah Ismael Israel Issac Iva Ivan Ivy Jack Jackie Jackson Jaclyn
Jacob Jacqueline Jacquelyn Jaime Jake Jamal James Jami Jamie Jan Jana Jane Janelle Janet Janette
Janice Janie Janine Janis Janna Jared Jarrod Jarvis Jasmine Jason Jasper Javier Jay Jayne Jayson
Jean Jeanette Jeanie Jeanine Jeanne Jeannette Jeannie Jeannine Jeff Jefferson Jeffery Jeffrey
Jeffry Jenifer Jenna Jennie Jennifer Jenny Jerald Jeremiah Jeremy Jeri Jermaine Jerome Jerri
Jerry Jess Jesse Jessica Jessie Jesus Jewel Jewell Jill Jillian Jim Jimmie Jimmy Jo Joan Joann
Joanna Joanne Joaquin Jocelyn Jodi Jodie Jody Joe Joel Joesph Joey Johanna John Johnathan
Johnnie Johnny Jolene Jon Jonathan Jonathon Joni Jordan Jorge Jose Josefa Josefina Joseph
Josephine Josh Joshua Josie Joy Joyce Juan Juana Juanita Judith Judy Julia Julian Juliana
Julianne Julie Juliette Julio Julius June Junior Justin Justine Kara Karen Kari Karin Karina
Karl Karla Kasey Kate Katelyn Katharine Katherine Kathie Kathleen Kathrine Kathryn Kathy Katie
Katrina Katy Kay Kaye Kayla Keisha Keith Kelley Kelli Kellie Kelly Kelsey Kelvin Ken Kendall
Kendra Kendrick Kenneth Kenny Kent Kenya Keri Kermit Kerri Kerry Kevin Kim Kimberley Kimberly
Kirk Kirsten Kris Krista Kristen Kristi Kristie Kristin Kristina Kristine Kristopher Kristy
Krystal Kurt Kyle Lacey Ladonna Lakeisha Lakisha Lamar Lamont Lana Lance Lara Larry Latasha
Latisha Latonya Latoya Laura Laurel Lauren Laurence Laurie Laverne Lavonne Lawanda Lawrence Lea
Leah Leann Leanne Lee Leigh Leila Lela Leland Lena Lenora Lenore Leo Leola Leon Leona Leonard
Leonardo Leonor Leroy Lesley Leslie Lessie Lester Letha Leticia Levi Lewis Lidia Lila Lilia
Lilian Liliana Lillian Lillie Lilly Lily Lina Linda Lindsay Lindsey Lionel Lisa Liza Lizzie
Lloyd Logan Lois Lola Lonnie Lora Loraine Loren Lorena Lorene Lorenzo Loretta Lori Lorie Lorna
Lorraine Lorrie Lottie Lou Louie Louis Louisa Louise Lourdes Lowell Loyd Luann Lucas Lucia
Lucile Lucille Lucinda Lucy Luella Luis Luisa Luke Lula Lupe Luther Luz Lydia Lyle Lynda Lynette
Lynn Lynne Lynnette Mabel Mable Mack Madeline Madelyn Madge Mae Magdalena Maggie Malcolm Malinda
Mallory Mamie Mandy Manuel Manuela Marc Marcel Marcella Marci Marcia Marcie Marco Marcos Marcus
Marcy Margaret Margarita Margery Margie Margo Margret Marguerite Mari Maria Marian Marianne
Maribel Maricela Marie Marietta Marilyn Marina Mario Marion Marisa Marisol Marissa Maritza
Marjorie Mark Marla Marlene Marlin Marlon Marsha Marshall Marta Martha Martin Martina Marty
Marva Marvin Mary Maryann Maryanne Marylou Mason Mathew Matilda Matt Matthew Mattie Maude
Maureen Maurice Mauricio Mavis Max Maxine Maxwell May Maynard Mayra Meagan Megan Meghan Melanie
Melba Melinda Melisa Melissa Melody Melva Melvin Mercedes Meredith Merle Mia Micah Michael
Micheal Michel Michele Michelle Mickey Miguel Mike Milagros Mildred Miles Millard Millie Milton
Mindy Minerva Minnie Miranda Miriam Misty Mitchell Mitzi Moises Mollie Molly Mona Monica Monique
Monte Monty Morgan Morris Moses Muriel Murray Myra Myrna Myron Myrtle Nadia Nadine Nancy Nanette
Nannie Naomi Natalia Natalie Natasha Nathan Nathaniel Neal Ned Neil Nelda Nell Nellie Nelson
Nettie Neva Nicholas Nichole Nick Nickolas Nicolas Nicole Nikki Nina Nita Noah Noe Noel Noemi
Nola Nolan Nona Nora Norbert Noreen Norma Norman Norris Odell Odessa Ofelia Ola Olga Olive
Oliver Olivia Ollie Omar Opal Ophelia Ora Orlando Orville Oscar Otis Otto Owen Pablo Paige Pam
Pamela Pat Patrica Patrice Patricia Patrick Patsy Patti Patty Paul Paula Paulette Pauline Pearl
Pearlie Pedro Peggy Penelope Penny Percy Perry Pete Peter Petra Phil Philip Phillip Phyllis
Pierre Polly Preston Priscilla Quentin Quincy Quinton Rachael Rachel Rachelle Rae Rafael Ralph
Ramiro Ramon Ramona Randal Randall Randi Randolph Randy Raphael Raquel Raul Ray Raymond Reba
Rebecca Rebekah Reed Reggie Regina Reginald Rena Rene Renee Reuben Reva Rex Reynaldo Rhoda
Rhonda Ricardo Richard Rick Rickey Rickie Ricky Rigoberto Riley Rita Rob Robbie Robert Roberta
Roberto Robin Robyn Rocco Rochelle Rocky Rod Roderick Rodger Rodney Rodolfo Rodrigo Rogelio
Roger Roland Rolando Roman Romeo Ron Ronald Ronda Ronnie Roosevelt Rory Rosa Rosalie Rosalind
Rosalinda Rosalyn Rosanne Rosario Roscoe Rose Roseann Rosella Rosemarie Rosemary Rosetta Rosie
Roslyn Ross Roxanne Roxie Roy Royce Ruben Ruby Rudolph Rudy Rufus Russel Russell Rusty Ruth
Ruthie Ryan Sabrina Sadie Sallie Sally Salvador Salvatore Sam Samantha Sammie Sammy Samuel
Sandra Sandy Santiago Santos Sara Sarah Sasha Saul Saundra Savannah Scot Scott Scotty Sean
Sebastian Selena Selma Serena Sergio Seth Shana Shane Shanna Shannon Shari Sharon Sharron Shaun
Shauna Shawn Shawna Sheena Sheila Shelby Sheldon Shelia Shelley Shelly Sheree Sheri Sherman
Sherri Sherrie Sherry Sheryl Shirley Sidney Silvia Simon Simone Socorro Sofia Solomon Son Sondra
Sonia Sonja Sonya Sophia Sophie Spencer Stacey Staci Stacie Stacy Stan Stanley Stefanie Stella
Stephan Stephanie Stephen Sterling Steve Steven Stewart Stuart Sue Summer Susan Susana Susanna
Susanne Susie Suzanne Suzette Sybil Sylvester Sylvia Tabatha Tabitha Tamara Tameka Tami Tamika
Tammi Tammie Tammy Tania Tanisha Tanya Tara Tasha Taylor Ted Teddy Terence Teresa Teri Terrance
Terrell Terrence Terri Terrie Terry Tessa Thaddeus Thelma Theodore Theresa Therese Thomas
Thurman Tia Tiffany Tim Timmy Timothy Tina Toby Todd Tom Tomas Tommie Tommy Toni Tonia Tony
Tonya Tracey Traci Tracie Tracy Travis Trent Trevor Tricia Trina Trisha Troy Trudy Ty Tyler
Tyrone Tyson Ulysses Ursula Valarie Valeria Valerie Van Vance Vanessa Vaughn Velma Vera Vern
Verna Vernon Veronica Vicente Vicki Vickie Vicky Victor Victoria Vilma Vince Vincent Viola
Violet Virgie Virgil Virginia Vivian Wade Wallace Walter Wanda Ward Warren Wayne Wendell Wendi
Wendy Wesley Whitney Wilbert Wilbur Wiley Wilfred Wilfredo Will Willa Willard William Williams
Willie Willis Wilma Wilson Winifred Winnie Winston Wm Woodrow Xavier Yesenia Yolanda Young
Yvette Yvonne Zachary Zelma
"""
GIVEN_NAMES = frozenset(_NAMES.split())
